import { GetObjectCommand } from '@aws-sdk/client-s3';
import { imageContentTypeOf, isImageContentType, sniffContentType } from '@darkroom/media';
import { badRequest, forbidden, mapLimit, presignUpload, unsupportedMediaType } from '@darkroom/runtime';
import { registerData, type RegisterResult } from './data';
import type { DatasetsDeps } from './deps';
import { MAX_DATA_BYTES, S3_CONCURRENCY, UPLOAD_URL_TTL } from './limits';
import { keyOwnerOf, objectKey, type TypeMethod } from './model';
import { requireProject, type Owner } from './projects';

/** One file of `/projects/upload_urls`. */
export interface UploadRequest { filename: string; size: number; content_type?: string }

/**
 * `/projects/upload_urls`: a presigned POST per file, whose policy fixes the key
 * (`<identity_id>/<project_id>/[<TYPE>/]<filename>`), the image Content-Type and caps the size at the
 * declared one (`content-length-range 1..size`), valid 15 minutes.
 * @returns `{items: [{filename, key, s3_key, upload: {method, url, fields, content_type, max_bytes, expires_in, expires_at}}]}`
 * @throws 404 for a project that is not the caller's; 415 for a file that is not an accepted image or
 *   whose content_type does not match its extension; 400 for duplicate names in one call
 */
export async function createUploadUrls(deps: DatasetsDeps, owner: Owner, projectId: string, files: UploadRequest[], type: TypeMethod = 'ORIGINAL') {
  const names = new Set<string>();
  const typed = files.map((file) => {
    if (names.has(file.filename)) throw badRequest(`${file.filename} is listed twice`);
    names.add(file.filename);
    const byName = imageContentTypeOf(file.filename);
    if (!byName) throw unsupportedMediaType(`${file.filename} is not an accepted image (jpg, jpeg, png, webp, gif, avif, tif, tiff)`);
    if (file.content_type && file.content_type !== byName) throw unsupportedMediaType(`${file.filename}: content_type ${file.content_type} does not match its extension (${byName})`);
    return { ...file, content_type: byName };
  });
  const project = await requireProject(deps.table, owner, projectId);
  const items = await mapLimit(typed, S3_CONCURRENCY, async (file) => {
    const key = objectKey(keyOwnerOf(project), project.project_id, type, file.filename);
    const upload = await presignUpload(deps.s3, {
      bucket: deps.bucket, key, contentType: file.content_type, maxBytes: Math.min(file.size, MAX_DATA_BYTES), expiresIn: UPLOAD_URL_TTL,
    });
    return { filename: file.filename, key, s3_key: `${deps.bucket}/${key}`, upload };
  });
  return { items };
}

/** At most ten names of a list, for a message. */
const listed = (names: string[]) => `${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}`;

/**
 * What S3 holds at `key`: its size (ContentLength of the whole object, from the Content-Range of a
 * ranged GET of its first 16 bytes) and its media type sniffed from those bytes (never the client's
 * claim). One request per object.
 * @returns undefined when there is no such object
 */
async function probeObject(deps: DatasetsDeps, key: string): Promise<{ size: number; type: string | undefined } | undefined> {
  try {
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key, Range: 'bytes=0-15' }));
    const head = Buffer.from(await object.Body!.transformToByteArray());
    const total = /\/(\d+)$/.exec(object.ContentRange ?? '')?.[1];
    return { size: total ? Number(total) : (object.ContentLength ?? head.length), type: sniffContentType(head) };
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if ((error as Error).name === 'NoSuchKey' || status === 404) return undefined;
    if ((error as Error).name === 'InvalidRange' || status === 416) return { size: 0, type: undefined };
    throw error;
  }
}

/** One object of `/projects/upload_update`, as seed 003 sends it. */
export interface UploadedObject {
  s3_key: string;
  filename: string;
  hash: string;
  /** The client's number; the stored size is S3's ContentLength. */
  size: number;
  is_ori?: boolean;
  gen_id?: string;
  size_old?: number;
}

/**
 * `/projects/upload_update`: registers uploaded objects into a group. Every `s3_key` must name exactly
 * the caller's key for that filename (`<bucket>/<identity_id>/<project_id>/[<TYPE>/]<filename>`, the
 * bucket part optional), else 403 and nothing is registered; every object must exist, else 400, and
 * be an image by its first bytes, else 415, and nothing is registered. Sizes are S3's, not the client's.
 * @returns `{created, replaced}`
 * @throws 404 for a project that is not the caller's; 400 when `project_name` is not the project's
 */
export async function registerUploads(
  deps: DatasetsDeps, owner: Owner,
  input: { project_id: string; project_name: string; type_method?: TypeMethod; ls_object_info: UploadedObject[] },
): Promise<RegisterResult> {
  const type = input.type_method ?? 'ORIGINAL';
  const project = await requireProject(deps.table, owner, input.project_id);
  if (input.project_name !== project.project_name) throw badRequest(`project_name does not match project ${project.project_id}`);
  const objects = input.ls_object_info.map((object) => {
    const key = objectKey(keyOwnerOf(project), project.project_id, type, object.filename);
    if (object.s3_key !== key && object.s3_key !== `${deps.bucket}/${key}`) {
      throw forbidden(`s3_key of ${object.filename} must be ${deps.bucket}/${key}`);
    }
    return { ...object, key };
  });
  const probes = await mapLimit(objects, S3_CONCURRENCY, (object) => probeObject(deps, object.key));
  const missing = objects.filter((_, i) => !probes[i]).map((o) => o.filename);
  if (missing.length) throw badRequest(`not uploaded yet: ${listed(missing)}`);
  const notImages = objects.filter((_, i) => !isImageContentType(probes[i]!.type)).map((o) => o.filename);
  if (notImages.length) throw unsupportedMediaType(`not an image (by its bytes): ${listed(notImages)}`);
  const heads = probes.map((probe) => probe!.size);
  return registerData(deps.table, { owner, projectId: project.project_id }, type, objects.map((object, i) => ({
    filename: object.filename, key: object.key, size: heads[i]!, hash: object.hash,
    is_ori: object.is_ori ?? type === 'ORIGINAL', gen_id: object.gen_id ?? '', classtype: null,
  })));
}
