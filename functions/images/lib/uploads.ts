import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { IMAGE_CONTENT_TYPES, imageContentTypeOf, isImageContentType, MAX_IMAGE_BYTES, PENDING_TTL, UPLOAD_URL_TTL } from '@darkroom/media';
import { badRequest, forbidden, ownerKey, presignUpload, sanitizeFileName, unsupportedMediaType } from '@darkroom/runtime';
import type { ImagesRepository } from './records';

export interface UploadDeps { s3: S3Client; images: ImagesRepository; bucket: string }

/**
 * Issues the upload of one original for `owner` (seed 001's upload API).
 *
 * @param input.file_name - the client's file name; sanitised into the key, its extension picks the type
 * @param input.user_id - seed 001's field: optional, and when given it must be the caller
 * @returns the new `image_id` and a presigned POST whose policy fixes the key and Content-Type and caps the size
 * @throws 403 when `user_id` names another user; 400 for a file name with nothing usable; 415 for a non-image type
 */
export async function createUpload(deps: UploadDeps, owner: string, input: { file_name: string; user_id?: string; content_type?: string }) {
  if (input.user_id !== undefined && input.user_id !== owner) throw forbidden('user_id must be the caller');
  const fileName = sanitizeFileName(input.file_name);
  if (!fileName) throw badRequest('file_name has no usable characters');
  const contentType = input.content_type ?? imageContentTypeOf(fileName);
  if (!isImageContentType(contentType)) {
    throw unsupportedMediaType(`Only images can be uploaded (${Object.keys(IMAGE_CONTENT_TYPES).join(', ')})`);
  }
  const imageId = randomUUID();
  const key = ownerKey(owner, 'images', imageId, fileName);
  const upload = await presignUpload(deps.s3, { bucket: deps.bucket, key, contentType, maxBytes: MAX_IMAGE_BYTES, expiresIn: UPLOAD_URL_TTL });
  const now = Date.now();
  await deps.images.putPending({
    image_id: imageId, owner, file_name: fileName, key, created_at: new Date(now).toISOString(),
    expires_at: Math.floor(now / 1000) + PENDING_TTL,
  });
  return { image_id: imageId, file_name: fileName, status: 'pending' as const, upload };
}
