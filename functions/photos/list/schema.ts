import type { RouteSchema } from '@darkroom/runtime';
import { LIST_PAGE } from '../lib/limits';

/** POST /photos/list: seed 002 takes no body; `limit` and `next_token` page through the photos. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: LIST_PAGE.max },
      next_token: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^[A-Za-z0-9_-]+$' },
    },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;
