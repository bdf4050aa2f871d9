/**
 * The image formats Darkroom accepts, by extension: the formats sharp (libvips) decodes and browsers show.
 * Keys are lower-case extensions; values are IANA media types.
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

export type ImageContentType = (typeof IMAGE_CONTENT_TYPES)[keyof typeof IMAGE_CONTENT_TYPES];

/** @returns the image media type of a file name by its extension, or undefined when it is not an accepted image */
export function contentTypeOf(fileName: string): ImageContentType | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext ? (IMAGE_CONTENT_TYPES as Record<string, ImageContentType>)[ext] : undefined;
}
