import type { Metadata, OutputInfo } from 'sharp';
import { formatContentType, openImage, undecodable, UndecodableImageError } from './decode';

/** Longest side of a thumbnail, in pixels (seed 001's thumbnails; DESIGN.md §4 "fit inside"). */
export const THUMBNAIL_SIZE = 256;

/** What sharp found in the original and made of it. */
export interface Thumbnail {
  data: Buffer;
  contentType: 'image/jpeg' | 'image/webp';
  /** Thumbnail size in pixels. */
  width: number;
  height: number;
  /** The original as decoded: format name (`jpeg`, `png`, ...), displayed size after EXIF orientation, pixels. */
  source: { format: string; contentType: string; width: number; height: number };
}

/**
 * Makes the thumbnail of an image: EXIF auto-orientation, fit inside {@link THUMBNAIL_SIZE}² without
 * enlarging, metadata stripped (sharp writes none unless asked), alpha flattened on white, encoded as
 * JPEG (q80, mozjpeg) — or WebP (q80) when the original is WebP.
 *
 * @param input - the original's bytes
 * @throws UndecodableImageError when sharp cannot decode the input, it is not an accepted format, or it
 *   exceeds MAX_INPUT_PIXELS
 */
export async function makeThumbnail(input: Buffer): Promise<Thumbnail> {
  if (!input.length) throw new UndecodableImageError('not a decodable image: the file is empty');
  const image = openImage(input, { sequentialRead: true });
  let metadata: Metadata;
  try {
    metadata = await image.metadata();
  } catch (error) {
    throw undecodable(error, 'header');
  }
  const contentType = formatContentType(metadata.format);
  if (!contentType) throw new UndecodableImageError(`unsupported image format: ${metadata.format ?? 'unknown'}`);
  const webp = metadata.format === 'webp';
  const pipeline = image
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' });
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await (webp ? pipeline.webp({ quality: 80 }) : pipeline.jpeg({ quality: 80, mozjpeg: true }))
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw undecodable(error, 'pixels');
  }
  const oriented = metadata.autoOrient ?? { width: metadata.width, height: metadata.height };
  return {
    data: output.data,
    contentType: webp ? 'image/webp' : 'image/jpeg',
    width: output.info.width,
    height: output.info.height,
    source: { format: metadata.format!, contentType, width: oriented.width, height: oriented.height },
  };
}
