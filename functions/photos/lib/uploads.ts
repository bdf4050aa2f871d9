import { PutObjectCommand } from '@aws-sdk/client-s3';
import { logger, ownerKey, payloadTooLarge, presignUpload, respond, unsupportedMediaType, type HttpResult } from '@darkroom/runtime';
import type { UploadBody } from './body';
import type { PhotosDeps } from './deps';
import { MAX_DIRECT_BYTES, MAX_PHOTO_BYTES } from './limits';
import { checkClientFileName, storedFileName } from './names';
import { formatExtension, IMAGE_MEDIA_TYPES, isImageContentType, PENDING_TTL, probeImage, UndecodableImageError, UPLOAD_URL_TTL, type ProbedImage } from '@darkroom/media';
import type { PhotoStatus } from './records';
import { removePhoto } from './removal';

/** What clients learn about a stored photo. */
export interface StoredPhoto {
  filename: string;
  size: number;
  content_type: string;
  width: number;
  height: number;
  uploaded_at: string;
  status: PhotoStatus;
}

/** The JSON variant of `POST /photos/upload_single_photo`: ask for a presigned POST. */
export interface PresignRequest { filename: string; content_type: string; size: number }

/** Where the 413 of a too-large body sends the client. */
export const PRESIGN_HINT = 'Send {"filename", "content_type", "size"} as JSON to POST /photos/upload_single_photo for a presigned upload URL (up to 50 MiB).';

/**
 * Stores one decoded photo as `<sub>/photos/<timestamp>-<random>_<name>`: the record first (status
 * `processing`, so the thumbnail worker, triggered by the object, always finds it), then the object.
 * If the object cannot be written the record is removed again.
 * @param safeName - a sanitised name (names.ts)
 * @returns the stored photo; the thumbnail follows asynchronously
 */
export async function storePhoto(deps: PhotosDeps, owner: string, photo: { data: Buffer; safeName: string; image: ProbedImage; jobId?: string }): Promise<StoredPhoto> {
  const now = Date.now();
  const filename = storedFileName(photo.safeName, now);
  const key = ownerKey(owner, 'photos', filename);
  const stored: StoredPhoto = {
    filename, size: photo.data.length, content_type: photo.image.contentType, width: photo.image.width, height: photo.image.height,
    uploaded_at: new Date(now).toISOString(), status: 'processing',
  };
  await deps.photos.create({ owner, key, job_id: photo.jobId, ...stored });
  try {
    await deps.s3.send(new PutObjectCommand({
      Bucket: deps.originalsBucket, Key: key, Body: photo.data, ContentType: stored.content_type, ContentLength: photo.data.length,
    }));
  } catch (error) {
    await removePhoto(deps, owner, filename).catch(() => undefined);
    throw error;
  }
  return stored;
}

/**
 * `POST /photos/upload_single_photo`: a photo in the body (stored now), or JSON asking for a presigned POST.
 * @param queryName - `?filename=` for raw bodies (a multipart part carries its own name)
 * @returns 201 with the stored photo, or 201 with the presigned POST (see {@link presignPhotoUpload})
 * @throws 400 bad name; 413 over {@link MAX_DIRECT_BYTES} (checked when reading the body); 415 not a decodable image
 */
export async function uploadSinglePhoto(deps: PhotosDeps, owner: string, body: UploadBody<PresignRequest>, queryName?: string): Promise<HttpResult> {
  if (body.kind === 'json') return respond(await presignPhotoUpload(deps, owner, body.value), { statusCode: 201 });
  const name = queryName ?? body.filename;
  const safeName = name === undefined ? undefined : checkClientFileName(name);
  let image: ProbedImage;
  try {
    image = await probeImage(body.data);
  } catch (error) {
    if (!(error instanceof UndecodableImageError)) throw error;
    logger.info('upload is not a decodable image', { owner, reason: error.message, detail: error.detail });
    throw unsupportedMediaType(`The body is not an image Darkroom accepts: ${error.message}`);
  }
  const stored = await storePhoto(deps, owner, { data: body.data, safeName: safeName ?? `photo.${formatExtension(image.format)}`, image });
  return respond(stored, { statusCode: 201 });
}

/**
 * Issues a presigned POST for one photo larger than a request body allows. The policy fixes the key
 * and the Content-Type and caps the size at the declared `size` (`content-length-range`); the photo's
 * record waits as `pending` (TTL {@link PENDING_TTL} s) until the thumbnail worker, triggered by the
 * upload, decodes it and marks it ready or failed (it re-checks the 50 MiB cap and decodability).
 * @returns `{filename, status: 'pending', upload: {method, url, fields, content_type, max_bytes, expires_in, expires_at}}`
 * @throws 400 bad name; 413 size over {@link MAX_PHOTO_BYTES}; 415 a content type that is not an accepted image
 */
export async function presignPhotoUpload(deps: PhotosDeps, owner: string, input: PresignRequest) {
  const safeName = checkClientFileName(input.filename);
  if (!isImageContentType(input.content_type)) {
    throw unsupportedMediaType(`content_type must be one of ${IMAGE_MEDIA_TYPES.join(', ')}`);
  }
  if (input.size > MAX_PHOTO_BYTES) throw payloadTooLarge(`size is ${input.size} bytes; the limit is ${MAX_PHOTO_BYTES} bytes`);
  const now = Date.now();
  const filename = storedFileName(safeName, now);
  const key = ownerKey(owner, 'photos', filename);
  const upload = await presignUpload(deps.s3, {
    bucket: deps.originalsBucket, key, contentType: input.content_type, maxBytes: input.size, expiresIn: UPLOAD_URL_TTL,
  });
  await deps.photos.create({
    owner, filename, key, status: 'pending', uploaded_at: new Date(now).toISOString(), expires_at: Math.floor(now / 1000) + PENDING_TTL,
  });
  return { filename, status: 'pending' as const, upload };
}

export { MAX_DIRECT_BYTES };
