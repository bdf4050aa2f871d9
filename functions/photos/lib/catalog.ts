import type { MediaCatalog } from '../../images/lib/catalog';
import type { PhotosRepository } from './records';

/**
 * The photos service's catalog for the shared thumbnail worker (functions/images/thumbnail): keys
 * `<sub>/photos/<filename>`. Only photos registered by an upload (record created before the object) are
 * completed; a photo deleted before its thumbnail was made stays deleted.
 */
export function photosCatalog(photos: PhotosRepository): MediaCatalog {
  return {
    async recordReady(owner, filename, { size, thumbnail, thumbnailKey }) {
      await photos.complete(owner, filename, {
        size, status: 'ready',
        content_type: thumbnail.source.contentType, width: thumbnail.source.width, height: thumbnail.source.height,
        thumbnail_key: thumbnailKey, thumbnail_content_type: thumbnail.contentType,
      });
    },
    async recordFailed(owner, filename, reason, size) {
      await photos.complete(owner, filename, { status: 'failed', failure_reason: reason, size });
    },
  };
}
