import sharp, { type Metadata, type Sharp } from 'sharp';

/** Decoded-pixel ceiling: 100 MP refuses decompression bombs while taking any camera photo (sharp's default is 268 MP). */
export const MAX_INPUT_PIXELS = 100_000_000;

/**
 * Thrown when the input is not an image Darkroom can decode: permanent, retrying cannot help. `message`
 * is Darkroom's own reason, fit for a client; `detail` is the decoder's (libvips') text, for the log only.
 */
export class UndecodableImageError extends Error {
  constructor(reason: string, readonly detail?: string) {
    super(reason);
    this.name = 'UndecodableImageError';
  }
}

/**
 * The {@link UndecodableImageError} for an error sharp threw, in our words: over the pixel limit, a
 * format libvips does not know, or (by `stage`) a header or pixel data that does not decode. The
 * library's message is kept as `detail`.
 * @param stage - `header` (metadata) or `pixels` (a full decode)
 */
export function undecodable(error: unknown, stage: 'header' | 'pixels'): UndecodableImageError {
  const detail = (error as Error | undefined)?.message ?? String(error);
  if (/pixel limit/i.test(detail)) return new UndecodableImageError(`image is larger than ${MAX_INPUT_PIXELS} pixels`, detail);
  if (stage === 'header') return new UndecodableImageError('not a decodable image: not an image format Darkroom accepts, or its header is damaged', detail);
  return new UndecodableImageError('image could not be decoded: its data is damaged or truncated', detail);
}

const FORMAT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif', heif: 'image/heif', tiff: 'image/tiff',
};

/** The media type of a format sharp decoded, or undefined for formats Darkroom does not accept (svg, raw, ...). */
export const formatContentType = (format: string | undefined): string | undefined => (format ? FORMAT_TYPES[format] : undefined);

/** A file extension for a decoded format (`jpeg` -> `jpg`), for files sent without a name. */
export const formatExtension = (format: string): string => (format === 'jpeg' ? 'jpg' : format === 'heif' ? 'heic' : format);

/**
 * A sharp pipeline over untrusted bytes with Darkroom's decode options: fail on decoding errors (not
 * only warnings), at most {@link MAX_INPUT_PIXELS} pixels, EXIF orientation applied.
 * @param options.sequentialRead - read top to bottom (less memory for one pass, e.g. a thumbnail)
 */
export function openImage(input: Buffer, options: { sequentialRead?: boolean } = {}): Sharp {
  return sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true, sequentialRead: options.sequentialRead ?? false });
}

/** What decoding an image's header told us. Pixels are as displayed (after EXIF orientation). */
export interface ProbedImage { format: string; contentType: string; width: number; height: number }

/**
 * Decides whether bytes are an image Darkroom accepts by reading its header with sharp (libvips), never by
 * name or claimed type: the format must be one of {@link formatContentType}'s and the image at most
 * {@link MAX_INPUT_PIXELS} pixels. The pixel data itself is decoded later (e.g. by the thumbnail worker).
 * @throws UndecodableImageError with a reason a client can read (the library's own text is logged by the caller, not sent)
 */
export async function probeImage(data: Buffer): Promise<ProbedImage> {
  if (!data.length) throw new UndecodableImageError('empty file');
  let metadata: Metadata;
  try {
    metadata = await openImage(data).metadata();
  } catch (error) {
    throw undecodable(error, 'header');
  }
  const contentType = formatContentType(metadata.format);
  if (!contentType) throw new UndecodableImageError(`unsupported image format: ${metadata.format ?? 'unknown'}`);
  const { width = 0, height = 0 } = metadata.autoOrient ?? metadata;
  if (!width || !height) throw new UndecodableImageError('image has no dimensions');
  if (width * height > MAX_INPUT_PIXELS) throw new UndecodableImageError(`image is ${width}x${height} pixels; the limit is ${MAX_INPUT_PIXELS} pixels`);
  return { format: metadata.format!, contentType, width, height };
}
