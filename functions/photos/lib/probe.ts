import sharp, { type Metadata } from 'sharp';
import { formatContentType, MAX_INPUT_PIXELS, UndecodableImageError } from '../../images/lib/thumbnails';

export { UndecodableImageError };

/** What decoding a photo's header told us. Pixels are as displayed (after EXIF orientation). */
export interface ProbedImage { format: string; contentType: string; width: number; height: number }

/**
 * Decides whether bytes are a photo Darkroom accepts, by decoding them with sharp (libvips), never by
 * name or claimed type: the format must be one the thumbnail worker handles (images/lib/thumbnails.ts)
 * and at most {@link MAX_INPUT_PIXELS} pixels. The full decode happens in the thumbnail worker, which
 * marks a photo whose pixel data is damaged as failed with the reason.
 * @throws UndecodableImageError with a reason a client can read
 */
export async function probeImage(data: Buffer): Promise<ProbedImage> {
  if (!data.length) throw new UndecodableImageError('empty file');
  let metadata: Metadata;
  try {
    metadata = await sharp(data, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true }).metadata();
  } catch (error) {
    throw new UndecodableImageError(`not a decodable image: ${(error as Error).message}`);
  }
  const contentType = formatContentType(metadata.format);
  if (!contentType) throw new UndecodableImageError(`unsupported image format: ${metadata.format ?? 'unknown'}`);
  const { width = 0, height = 0 } = metadata.autoOrient ?? metadata;
  if (!width || !height) throw new UndecodableImageError('image has no dimensions');
  if (width * height > MAX_INPUT_PIXELS) throw new UndecodableImageError(`image is ${width}x${height} pixels; the limit is ${MAX_INPUT_PIXELS} pixels`);
  return { format: metadata.format!, contentType, width, height };
}

/** A file extension for a decoded format (`jpeg` -> `jpg`), for photos sent without a name. */
export const extensionOf = (format: string): string => (format === 'jpeg' ? 'jpg' : format === 'heif' ? 'heic' : format);
