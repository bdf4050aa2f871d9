import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { MAX_REGISTER_OBJECTS } from '../lib/limits';
import { bytes, filename, objectList, projectBody, projectName, typeMethod } from '../lib/schemas';

/** POST /projects/upload_update (seed 003). */
export const schema = {
  body: projectBody({
    project_name: projectName,
    type_method: { ...typeMethod, description: 'default ORIGINAL' },
    ls_object_info: objectList(MAX_REGISTER_OBJECTS, {
      s3_key: { type: 'string', minLength: 1, maxLength: 1024, description: '`<bucket>/<identity_id>/<project_id>/<filename>` (the bucket part may be left out)' },
      filename,
      hash: { type: 'string', maxLength: 256, description: "the file's content hash as the client computed it (seed 003's clients send its MD5 in hex, which is also S3's ETag of a single-part upload); stored with the record as given, not checked" },
      size: { ...bytes, description: "the client's number; the stored size is S3's" },
      is_ori: { type: 'boolean' },
      gen_id: { type: 'string', maxLength: 256 },
      size_old: bytes,
    }, ['s3_key', 'filename', 'hash', 'size']),
  }, ['project_name', 'ls_object_info']),
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Register uploaded objects',
  description: 'Registers objects uploaded with /projects/upload_urls. Each `s3_key` must be exactly the caller\'s key for its filename (else 403, nothing registered) '
    + 'and the object must exist (else 400). Sizes are S3\'s ContentLength; re-registering a name replaces it.',
  responses: {
    200: {
      description: 'How many objects were new and how many replaced',
      body: { type: 'object', properties: { created: { type: 'integer' }, replaced: { type: 'integer' } }, required: ['created', 'replaced'] },
    },
  },
} as const satisfies RouteContract;
