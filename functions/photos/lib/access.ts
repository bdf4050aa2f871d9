import { badRequest, mapLimit, notFound, presignDownload, unprocessable } from '@darkroom/runtime';
import type { PhotosDeps } from './deps';
import { LIST_PAGE, MAX_DELETE_FILES, URL_TTL } from './limits';
import type { PhotoRecord } from './records';
import { removePhoto } from './removal';

const presignedGet = (deps: PhotosDeps, bucket: string, key: string) => presignDownload(deps.s3, { bucket, key, expiresIn: URL_TTL });

/** A photo as `list` and `download` describe it. Sizes in bytes, dimensions in pixels. */
async function describe(deps: PhotosDeps, photo: PhotoRecord) {
  return {
    filename: photo.filename,
    status: photo.status,
    size: photo.size,
    content_type: photo.content_type,
    width: photo.width,
    height: photo.height,
    uploaded_at: photo.uploaded_at,
    thumbnail_url: photo.status === 'ready' && photo.thumbnail_key ? (await presignedGet(deps, deps.thumbnailsBucket, photo.thumbnail_key)).url : null,
    failure_reason: photo.failure_reason,
  };
}

/**
 * `POST /photos/download {filename}`: a presigned GET of the caller's original, with its metadata. Only
 * bytes known to be an image get a URL: `processing` photos passed the header probe on upload, `ready`
 * ones were decoded whole by the thumbnail worker; a photo whose decoding failed answers 422 with the
 * reason, as `/images/download/*` does.
 * @returns `{filename, url, expires_in, expires_at, status, size, content_type, width, height, uploaded_at, thumbnail_url}`
 * @throws 404 for a name the caller does not own (the lookup is by owner) or an upload not made yet;
 *   422 for a photo that could not be decoded
 */
export async function downloadPhoto(deps: PhotosDeps, owner: string, input: { filename: string }) {
  const photo = await deps.photos.get(owner, input.filename);
  if (!photo || photo.status === 'pending') throw notFound(`Photo ${input.filename} not found`);
  if (photo.status === 'failed') throw unprocessable(`Photo ${input.filename} could not be processed: ${photo.failure_reason ?? 'it is not a decodable image'}`);
  return {
    ...await describe(deps, photo),
    ...await presignedGet(deps, deps.originalsBucket, photo.key),
  };
}

/**
 * `POST /photos/list {limit?, cursor?}`: the caller's photos, newest first. `next_token` is the older
 * name of `cursor`, in and out.
 * @returns `{photos: [...], next_cursor, next_token}`: `next_cursor` null and `next_token` absent on the last page
 * @throws 400 for a cursor that is not one this caller was given
 */
export async function listPhotos(deps: PhotosDeps, owner: string, input: { limit?: number; cursor?: string; next_token?: string }) {
  const limit = Math.min(input.limit ?? LIST_PAGE.default, LIST_PAGE.max);
  const page = await deps.photos.list(owner, limit, input.cursor || input.next_token, input.cursor ? 'cursor' : 'next_token');
  return {
    photos: await Promise.all(page.items.map((photo) => describe(deps, photo))),
    next_cursor: page.next_cursor, ...(page.next_cursor ? { next_token: page.next_cursor } : {}),
  };
}

/**
 * `POST /photos/delete {file}` or `{files: [...]}`: deletes the caller's photos with their thumbnails and
 * records. Idempotent: a name already gone (or never the caller's) is reported in `not_found`, never an error.
 * @returns `{deleted: [...], not_found: [...]}`
 * @throws 400 when neither `file` nor `files` is given, or more than {@link MAX_DELETE_FILES} names
 */
export async function deletePhotos(deps: PhotosDeps, owner: string, input: { file?: string; files?: string[] }) {
  const names = [...new Set([...(input.file ? [input.file] : []), ...(input.files ?? [])])];
  if (!names.length) throw badRequest('file or files is required');
  if (names.length > MAX_DELETE_FILES) throw badRequest(`at most ${MAX_DELETE_FILES} files per request`);
  const existed = await mapLimit(names, 8, (name) => removePhoto(deps, owner, name));
  return { deleted: names.filter((_, i) => existed[i]), not_found: names.filter((_, i) => !existed[i]) };
}
