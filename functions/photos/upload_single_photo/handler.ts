import { httpHandler } from '@darkroom/runtime';
import { readUploadBody } from '../lib/body';
import { photosDeps } from '../lib/deps';
import { MAX_DIRECT_BYTES } from '../lib/limits';
import { PRESIGN_HINT, uploadSinglePhoto, type PresignRequest } from '../lib/uploads';
import { schema as jsonSchema } from './json/schema';
import { schema } from './schema';

const deps = photosDeps();

/**
 * POST /photos/upload_single_photo: the photo as the body -> 201 `{filename, size, content_type, width,
 * height, uploaded_at, status}`; or JSON `{filename, content_type, size}` -> 201 `{filename, status, upload}`.
 */
export const handler = httpHandler({ envelope: 'plain', auth: 'required', schema, body: 'raw' })
  .handler(async ({ caller, input, event }) => uploadSinglePhoto(
    deps, caller.sub,
    await readUploadBody<PresignRequest>(event, { maxBytes: MAX_DIRECT_BYTES, tooLargeHint: PRESIGN_HINT, jsonSchema }),
    input.query.filename,
  ));
