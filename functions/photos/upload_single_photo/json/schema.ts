import type { RouteSchema } from '@darkroom/runtime';
import { MAX_CLIENT_NAME_LENGTH, MAX_PHOTO_BYTES } from '../../lib/limits';

/** POST /photos/upload_single_photo as JSON: ask for a presigned POST of one photo (sizes in bytes). */
export const schema = {
  body: {
    type: 'object',
    properties: {
      filename: { type: 'string', minLength: 1, maxLength: MAX_CLIENT_NAME_LENGTH },
      content_type: { type: 'string', pattern: '^image/[a-z0-9.+-]+$' },
      size: { type: 'integer', minimum: 1, maximum: MAX_PHOTO_BYTES },
    },
    required: ['filename', 'content_type', 'size'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;
