import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { ownerKey } from '@darkroom/runtime';
import type { PhotosDeps } from './deps';

/**
 * Removes one photo of `owner`: its record, then its original and its thumbnail (same key in the
 * thumbnails bucket). The keys derive from owner and filename, so objects are removed even when the
 * record is already gone (a retried delete finishes what an interrupted one started). Idempotent.
 * @param filename - a stored name; callers validate it against FILENAME_PATTERN (no `/`), so the key stays under `<sub>/photos/`
 * @returns whether a record existed
 */
export async function removePhoto(deps: PhotosDeps, owner: string, filename: string): Promise<boolean> {
  const existed = await deps.photos.delete(owner, filename);
  const key = ownerKey(owner, 'photos', filename);
  await Promise.all([
    deps.s3.send(new DeleteObjectCommand({ Bucket: deps.originalsBucket, Key: key })),
    deps.s3.send(new DeleteObjectCommand({ Bucket: deps.thumbnailsBucket, Key: key })),
  ]);
  return existed !== undefined;
}
