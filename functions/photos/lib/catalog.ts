import type { MediaCatalog } from '@darkroom/media';
import type { PhotosRepository } from './records';

/**
 * The photos service's catalog of thumbnail outcomes: keys `<sub>/photos/<filename>`. Only photos
 * registered by an upload (record created before the object) are completed; a photo deleted before its
 * thumbnail was made stays deleted.
 */
export function photosCatalog(photos: PhotosRepository): MediaCatalog {
  return {
    async recordReady({ owner, rest: filename, size, thumbnail, source }) {
      await photos.complete(owner, filename, {
        size, status: 'ready',
        content_type: source.contentType, width: source.width, height: source.height,
        thumbnail_key: thumbnail.key, thumbnail_content_type: thumbnail.contentType,
      });
    },
    async recordFailed({ owner, rest: filename, reason, size }) {
      await photos.complete(owner, filename, { status: 'failed', failure_reason: reason, size });
    },
  };
}
