import type { MediaCatalog } from '@darkroom/media';
import type { ImagesRepository } from './records';

/** The images service's catalog of thumbnail outcomes: keys `<sub>/images/<image_id>/<file_name>`. */
export function imagesCatalog(images: ImagesRepository): MediaCatalog {
  const imageIdOf = (rest: string) => rest.split('/')[0]!;
  return {
    async recordReady({ owner, rest, size, thumbnail, source }) {
      await images.markReady(owner, imageIdOf(rest), {
        size,
        content_type: source.contentType,
        width: source.width,
        height: source.height,
        thumbnail_key: thumbnail.key,
        thumbnail_content_type: thumbnail.contentType,
        thumbnail_width: thumbnail.width,
        thumbnail_height: thumbnail.height,
      });
    },
    async recordFailed({ owner, rest, reason, size }) {
      await images.markFailed(owner, imageIdOf(rest), reason, size);
    },
  };
}
