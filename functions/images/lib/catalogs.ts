import type { MediaCatalog } from './catalog';
import type { ImagesRepository } from './records';

/** The images service's catalog: keys `<sub>/images/<image_id>/<file_name>`. */
export function imagesCatalog(images: ImagesRepository): MediaCatalog {
  const imageIdOf = (rest: string) => rest.split('/')[0]!;
  return {
    async recordReady(owner, rest, { size, thumbnail, thumbnailKey }) {
      await images.markReady(owner, imageIdOf(rest), {
        size,
        content_type: thumbnail.source.contentType,
        width: thumbnail.source.width,
        height: thumbnail.source.height,
        thumbnail_key: thumbnailKey,
        thumbnail_content_type: thumbnail.contentType,
        thumbnail_width: thumbnail.width,
        thumbnail_height: thumbnail.height,
      });
    },
    async recordFailed(owner, rest, reason, size) {
      await images.markFailed(owner, imageIdOf(rest), reason, size);
    },
  };
}
