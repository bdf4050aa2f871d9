import type { RouteSchema } from '@darkroom/runtime';

/** Query of both download routes: seed 001's `user_id` and `image_id`, plus `redirect=true` for a 302. */
export const downloadSchema = {
  query: {
    type: 'object',
    properties: {
      image_id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' },
      user_id: { type: 'string', minLength: 1, maxLength: 128 },
      redirect: { type: 'boolean', default: false },
    },
    required: ['image_id'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;
