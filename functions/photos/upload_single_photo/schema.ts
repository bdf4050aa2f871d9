import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { storedPhoto, pendingPhotoUpload } from '../lib/responses';
import { MAX_CLIENT_NAME_LENGTH } from '../lib/limits';

/**
 * POST /photos/upload_single_photo with the photo as the body (raw with its Content-Type, or
 * multipart/form-data field `file`): `?filename=` names a raw body. The JSON variant (a presigned POST)
 * is validated by ./json/schema.ts once the body is read.
 */
export const schema = {
  query: {
    type: 'object',
    properties: { filename: { type: 'string', minLength: 1, maxLength: MAX_CLIENT_NAME_LENGTH } },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (plain envelope: the whole body). */
export const contract = {
  summary: 'Upload a photo',
  description: 'The photo as the body (raw with its Content-Type and ?filename=, or multipart/form-data field file, up to 6 MB through the API) is stored now and its thumbnail follows; or JSON {filename, content_type, size} for a presigned POST of up to 50 MiB. 413 for a body too large (use the JSON variant), 415 for something that is not a decodable image.',
  responses: { 201: { description: 'The stored photo, or (JSON request) the pending photo and its presigned POST', body: { oneOf: [storedPhoto, pendingPhotoUpload] } }, 413: { description: 'Body too large for the API: ask for a presigned POST' }, 415: { description: 'Not a decodable image' } },
} as const satisfies RouteContract;
