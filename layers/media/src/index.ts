/**
 * @darkroom/media: what Darkroom's media services share (images, photos, datasets, visual). Bundled into
 * each function like @darkroom/runtime. Only the decoding and thumbnail parts load sharp, and the package
 * is side-effect free, so a function that only checks content types does not bundle sharp.
 */
export {
  IMAGE_CONTENT_TYPES, VIDEO_CONTENT_TYPES, IMAGE_MEDIA_TYPES, contentTypeOf, imageContentTypeOf, isImageContentType,
  isVideoContentType, sniffContentType, type ImageContentType, type VideoContentType, type MediaContentType,
} from './content-types';
export { MAX_IMAGE_BYTES, UPLOAD_URL_TTL, PENDING_TTL } from './limits';
export {
  MAX_INPUT_PIXELS, UndecodableImageError, undecodable, formatContentType, formatExtension, openImage, probeImage, type ProbedImage,
} from './decode';
export { THUMBNAIL_SIZE, makeThumbnail, type Thumbnail } from './thumbnails';
export {
  applyThumbnailEvent, type MediaCatalog, type ThumbnailEvent, type ThumbnailReadyEvent, type ThumbnailFailedEvent,
} from './catalog';
