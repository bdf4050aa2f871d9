/**
 * The media names the visual service takes from `@darkroom/media` (content types, sniffing, sharp's safe
 * decode options). Until that package lands on main, this file holds the same names with the same
 * meaning; when it lands, this file becomes a re-export of it and nothing else changes.
 */
import sharp, { type Sharp } from 'sharp';

/** Image formats accepted by extension (sharp/libvips decodes them, browsers show them). */
export const IMAGE_CONTENT_TYPES = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif', tif: 'image/tiff', tiff: 'image/tiff',
} as const;

/** Video containers accepted by extension (MP4/QuickTime per ISO/IEC 14496-12, WebM per the Matroska spec). */
export const VIDEO_CONTENT_TYPES = { mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm' } as const;

export type ImageContentType = (typeof IMAGE_CONTENT_TYPES)[keyof typeof IMAGE_CONTENT_TYPES];
export type VideoContentType = (typeof VIDEO_CONTENT_TYPES)[keyof typeof VIDEO_CONTENT_TYPES];
export type MediaContentType = ImageContentType | VideoContentType;

const extensionOf = (fileName: string): string | undefined => /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();

/** @returns the image or video media type of a file name by its extension, or undefined when it is neither */
export function contentTypeOf(fileName: string): MediaContentType | undefined {
  const ext = extensionOf(fileName);
  if (!ext) return undefined;
  return (IMAGE_CONTENT_TYPES as Record<string, ImageContentType>)[ext] ?? (VIDEO_CONTENT_TYPES as Record<string, VideoContentType>)[ext];
}

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The media type of a file from its first bytes (magic numbers, https://mimesniff.spec.whatwg.org/),
 * never from its name: JPEG, PNG, GIF, WebP, TIFF, AVIF, MP4/QuickTime (ISO BMFF `ftyp`), WebM (EBML).
 * @returns the media type, or undefined when the bytes are none of these
 */
export function sniffContentType(bytes: Uint8Array): MediaContentType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (brand === 'avif' || brand === 'avis') return 'image/avif';
    if (brand === 'qt  ') return 'video/quicktime';
    return 'video/mp4';
  }
  return undefined;
}

/** Decoded-pixel ceiling (100 MP), as every Darkroom decoder uses. */
export const MAX_INPUT_PIXELS = 100_000_000;

/** Thrown when the input is not an image Darkroom can decode: permanent, retrying cannot help. */
export class UndecodableImageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UndecodableImageError';
  }
}

/** sharp over untrusted bytes with Darkroom's decode options: fail on errors, at most MAX_INPUT_PIXELS, EXIF orientation applied. */
export function openImage(input: Buffer, options: { sequentialRead?: boolean } = {}): Sharp {
  return sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true, sequentialRead: options.sequentialRead ?? false });
}

/** Largest image accepted, bytes (50 MiB). */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
/** Lifetime of a presigned upload URL, seconds (15 minutes). */
export const UPLOAD_URL_TTL = 900;
