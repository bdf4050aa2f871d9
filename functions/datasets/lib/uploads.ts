import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { badRequest, contentTypeOf, forbidden, presignUpload, unsupportedMediaType } from '@darkroom/runtime';
import { registerData, type RegisterResult } from './data';
import type { DatasetsDeps } from './deps';
import { MAX_DATA_BYTES, S3_CONCURRENCY, UPLOAD_URL_TTL } from './limits';
import { objectKey, type TypeMethod } from './model';
import { requireProject, type Owner } from './projects';
import { mapLimit } from './table';

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
    const byName = contentTypeOf(file.filename);
    if (!byName) throw unsupportedMediaType(`${file.filename} is not an accepted image (jpg, jpeg, png, webp, gif, avif, tif, tiff)`);
    if (file.content_type && file.content_type !== byName) throw unsupportedMediaType(`${file.filename}: content_type ${file.content_type} does not match its extension (${byName})`);
    return { ...file, content_type: byName };
  });
  const project = await requireProject(deps.table, owner, projectId);
  const items = await mapLimit(typed, S3_CONCURRENCY, async (file) => {
    const key = objectKey(owner.sub, project.project_id, type, file.filename);
    const upload = await presignUpload(deps.s3, {
      bucket: deps.bucket, key, contentType: file.content_type, maxBytes: Math.min(file.size, MAX_DATA_BYTES), expiresIn: UPLOAD_URL_TTL,
    });
    return { filename: file.filename, key, s3_key: `${deps.bucket}/${key}`, upload };
  });
  return { items };
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
 * bucket part optional), else 403 and nothing is registered; every object must exist (HeadObject), else
 * 400 and nothing is registered. Sizes are S3's, not the client's.
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
    const key = objectKey(owner.sub, project.project_id, type, object.filename);
    if (object.s3_key !== key && object.s3_key !== `${deps.bucket}/${key}`) {
      throw forbidden(`s3_key of ${object.filename} must be ${deps.bucket}/${key}`);
    }
    return { ...object, key };
  });
  const heads = await mapLimit(objects, S3_CONCURRENCY, async (object) => {
    try {
      const head = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: object.key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if ((error as Error).name === 'NotFound' || status === 404) return undefined;
      throw error;
    }
  });
  const missing = objects.filter((_, i) => heads[i] === undefined).map((o) => o.filename);
  if (missing.length) throw badRequest(`not uploaded yet: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`);
  return registerData(deps.table, { owner, projectId: project.project_id }, type, objects.map((object, i) => ({
    filename: object.filename, key: object.key, size: heads[i]!, hash: object.hash,
    is_ori: object.is_ori ?? type === 'ORIGINAL', gen_id: object.gen_id ?? '', classtype: null,
  })));
}
