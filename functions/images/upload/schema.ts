import type { RouteSchema } from '@darkroom/runtime';

/** POST /images/upload: seed 001's body, plus an optional explicit content type. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      file_name: { type: 'string', minLength: 1, maxLength: 1024 },
      user_id: { type: 'string', minLength: 1, maxLength: 128 },
      content_type: { type: 'string', pattern: '^image/[a-z0-9.+-]+$' },
    },
    required: ['file_name'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;
