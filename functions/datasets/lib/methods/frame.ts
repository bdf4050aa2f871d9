/**
 * The image a method works on: a sharp pipeline and its current size. Methods are pure functions
 * Frame -> Frame; where sharp has no operation they work on the raw pixels sharp hands out.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';

/** Decoded-pixel ceiling of a source image (as the images service: refuses decompression bombs, takes any camera photo). */
export const MAX_INPUT_PIXELS = 100_000_000;
/** Longest side an output may have, in pixels: the 2x upscales stop growing there. */
export const MAX_OUTPUT_SIDE = 8192;

/** An image in a method pipeline: `image` renders it; `width` x `height` x `channels` is what it renders. */
export interface Frame {
  image: Sharp;
  width: number;
  height: number;
  channels: number;
}

/** Raw interleaved 8-bit pixels of a frame. */
export interface RawPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** Thrown when a source is not an image sharp can decode (permanent: the image is recorded and skipped). */
export class UndecodableImageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UndecodableImageError';
  }
}

/** A frame over raw pixels. */
export const fromRaw = (pixels: RawPixels): Frame => ({
  image: sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } }),
  width: pixels.width,
  height: pixels.height,
  channels: pixels.channels,
});

/** Renders a frame to raw pixels (8 bits per channel). */
export async function toRaw(frame: Frame): Promise<RawPixels> {
  const { data, info } = await frame.image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as RawPixels['channels'] };
}

/**
 * Renders a frame's pending operations, so the next method's operations apply after them (sharp runs
 * one pipeline's operations in its own fixed order, not in call order).
 */
export async function settle(frame: Frame): Promise<Frame> {
  return fromRaw(await toRaw(frame));
}

/** The decoded source: its frame and the format it came in. */
export interface Decoded {
  frame: Frame;
  format: string;
}

/**
 * Opens a source image: sharp with `failOn: 'error'` and {@link MAX_INPUT_PIXELS}; EXIF orientation is
 * applied (outputs carry no metadata, so an orientation tag would otherwise be lost).
 * @throws UndecodableImageError for empty input, undecodable bytes or too many pixels
 */
export async function decode(bytes: Buffer): Promise<Decoded> {
  if (!bytes.length) throw new UndecodableImageError('not a decodable image: the file is empty');
  const image = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
  let metadata: Metadata;
  try {
    metadata = await image.metadata();
  } catch (error) {
    throw new UndecodableImageError(`not a decodable image: ${(error as Error).message}`);
  }
  if (!metadata.format || !metadata.width || !metadata.height) throw new UndecodableImageError('not a decodable image');
  if (metadata.width * metadata.height > MAX_INPUT_PIXELS) throw new UndecodableImageError(`image has more than ${MAX_INPUT_PIXELS} pixels`);
  const frame: Frame = { image, width: metadata.width, height: metadata.height, channels: metadata.channels ?? 3 };
  try {
    // Rare in datasets: render the orientation first, so every method sees displayed coordinates.
    return { frame: metadata.orientation && metadata.orientation !== 1 ? await settle({ ...frame, image: image.autoOrient() }) : frame, format: metadata.format };
  } catch (error) {
    throw new UndecodableImageError(`not a decodable image: ${(error as Error).message}`);
  }
}

/** Output encodings: the source's own format where it is JPEG, PNG or WebP; PNG otherwise. */
const ENCODINGS = {
  jpeg: { extension: 'jpg', contentType: 'image/jpeg', apply: (image: Sharp) => image.jpeg({ quality: 90 }) },
  png: { extension: 'png', contentType: 'image/png', apply: (image: Sharp) => image.png({ compressionLevel: 6 }) },
  webp: { extension: 'webp', contentType: 'image/webp', apply: (image: Sharp) => image.webp({ quality: 90 }) },
} as const;

/** An encoded output. */
export interface Encoded {
  data: Buffer;
  contentType: string;
  extension: string;
  width: number;
  height: number;
}

/** The encoding an output of a `format` source gets. */
export const encodingOf = (format: string) => ENCODINGS[format as keyof typeof ENCODINGS] ?? ENCODINGS.png;

/**
 * Encodes a frame in its source's format (JPEG q90, PNG level 6, WebP q90; PNG for other formats), no metadata.
 */
export async function encode(frame: Frame, format: string): Promise<Encoded> {
  const encoding = encodingOf(format);
  const { data, info } = await encoding.apply(frame.image).toBuffer({ resolveWithObject: true });
  return { data, contentType: encoding.contentType, extension: encoding.extension, width: info.width, height: info.height };
}
