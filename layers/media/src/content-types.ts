/**
 * The media formats Darkroom accepts, by extension: the image formats sharp (libvips) decodes and
 * browsers show, and the video containers ffmpeg reads and browsers play. Keys are lower-case
 * extensions; values are IANA media types.
 */
export const IMAGE_CONTENT_TYPES = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
} as const;

/** Video containers accepted by extension (MP4/QuickTime per ISO/IEC 14496-12, WebM per the Matroska spec). */
export const VIDEO_CONTENT_TYPES = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
} as const;

export type ImageContentType = (typeof IMAGE_CONTENT_TYPES)[keyof typeof IMAGE_CONTENT_TYPES];
export type VideoContentType = (typeof VIDEO_CONTENT_TYPES)[keyof typeof VIDEO_CONTENT_TYPES];
export type MediaContentType = ImageContentType | VideoContentType;

const extensionOf = (fileName: string): string | undefined => /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();

/** @returns the image media type of a file name by its extension, or undefined when it is not an accepted image */
export function imageContentTypeOf(fileName: string): ImageContentType | undefined {
  const ext = extensionOf(fileName);
  return ext ? (IMAGE_CONTENT_TYPES as Record<string, ImageContentType>)[ext] : undefined;
}

/** @returns the image or video media type of a file name by its extension, or undefined when it is neither */
export function contentTypeOf(fileName: string): MediaContentType | undefined {
  const ext = extensionOf(fileName);
  if (!ext) return undefined;
  return (IMAGE_CONTENT_TYPES as Record<string, ImageContentType>)[ext] ?? (VIDEO_CONTENT_TYPES as Record<string, VideoContentType>)[ext];
}

/** True when `type` is one of {@link IMAGE_CONTENT_TYPES}' values. */
export const isImageContentType = (type: string | undefined): type is ImageContentType =>
  type !== undefined && (Object.values(IMAGE_CONTENT_TYPES) as string[]).includes(type);

/** True when `type` is one of {@link VIDEO_CONTENT_TYPES}' values. */
export const isVideoContentType = (type: string | undefined): type is VideoContentType =>
  type !== undefined && (Object.values(VIDEO_CONTENT_TYPES) as string[]).includes(type);

/** The distinct accepted image media types, for messages and schemas. */
export const IMAGE_MEDIA_TYPES: readonly ImageContentType[] = [...new Set(Object.values(IMAGE_CONTENT_TYPES))];

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The media type of a file from its first bytes (its "magic number"), never from its name or a claimed
 * type. Recognises what Darkroom accepts: JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A), GIF (GIF87a /
 * GIF89a), WebP (RIFF....WEBP), TIFF (II*\0 / MM\0*), AVIF and MP4/QuickTime (ISO BMFF `ftyp` box at
 * offset 4, by major brand) and WebM (EBML header 1A 45 DF A3). Signatures from the formats'
 * specifications as collected in https://mimesniff.spec.whatwg.org/#matching-an-image-type-pattern.
 *
 * @param bytes - at least the first 16 bytes of the file
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
