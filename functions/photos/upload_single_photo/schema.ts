import type { RouteSchema } from '@darkroom/runtime';
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
