import type { S3Client } from '@aws-sdk/client-s3';
import { DomainError, forbidden, notFound, presignDownload } from '@darkroom/runtime';
import type { ImagesRepository } from './records';

/** Lifetime of a download URL, seconds. */
export const DOWNLOAD_URL_TTL = 900;

export interface DownloadDeps { s3: S3Client; images: ImagesRepository; originalsBucket: string; thumbnailsBucket: string }

/**
 * A presigned GET of an owner's original or thumbnail (seed 001's download APIs).
 *
 * @returns `{image_id, variant, file_name, url, expires_in, expires_at, content_type, width, height, size}`
 * @throws 403 when `user_id` names another user; 404 for an unknown image (or another user's: the lookup is
 *   by owner) or one not processed yet; 422 for an image that failed processing, with the reason
 */
export async function downloadUrl(deps: DownloadDeps, owner: string, input: { image_id: string; user_id?: string }, variant: 'image' | 'thumbnail') {
  if (input.user_id !== undefined && input.user_id !== owner) throw forbidden('user_id must be the caller');
  const record = await deps.images.get(owner, input.image_id);
  if (!record) throw notFound(`Image ${input.image_id} not found`);
  if (record.status === 'pending') throw notFound(`Image ${input.image_id} is not ready yet: upload it, then retry shortly`);
  if (record.status === 'failed') throw new DomainError(422, `Image ${input.image_id} could not be processed: ${record.failure_reason}`);
  const thumbnail = variant === 'thumbnail';
  const link = await presignDownload(deps.s3, {
    bucket: thumbnail ? deps.thumbnailsBucket : deps.originalsBucket,
    key: thumbnail ? record.thumbnail_key! : record.key,
    expiresIn: DOWNLOAD_URL_TTL,
  });
  return {
    image_id: record.image_id,
    variant,
    file_name: record.file_name,
    ...link,
    content_type: thumbnail ? record.thumbnail_content_type : record.content_type,
    width: thumbnail ? record.thumbnail_width : record.width,
    height: thumbnail ? record.thumbnail_height : record.height,
    size: thumbnail ? undefined : record.size,
  };
}
