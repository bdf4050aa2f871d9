import type { MediaCatalog } from '../../images/lib/catalog';
import type { PhotosRepository } from './records';

/** The photos service's catalog for the shared thumbnail worker: keys `<sub>/photos/<filename>`. */
export function photosCatalog(photos: PhotosRepository): MediaCatalog {
  return {
    async recordReady(owner, filename, { key, size, thumbnail, thumbnailKey }) {
      await photos.upsert(owner, filename, {
        key, size, status: 'ready',
        content_type: thumbnail.source.contentType, width: thumbnail.source.width, height: thumbnail.source.height,
        thumbnail_key: thumbnailKey, thumbnail_content_type: thumbnail.contentType,
      });
    },
    async recordFailed(owner, filename, reason, size) {
      await photos.upsert(owner, filename, { status: 'failed', failure_reason: reason, size });
    },
  };
}
