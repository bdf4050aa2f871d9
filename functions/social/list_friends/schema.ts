import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { LIMITS } from '../lib/limits';
import { id, pathIds } from '../lib/schemas';

/** GET /user/{id}/friends. */
export const schema = {
  path: pathIds('id'),
  query: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: LIMITS.friendsPage },
      cursor: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' },
    },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'A user\'s friends',
  description: 'Friend ids, at most 100 per page. Visible to the user and their friends (404 otherwise). Pass `X-Next-Cursor` back as `cursor` for the next page.',
  responses: {
    200: {
      description: 'Friend ids',
      body: { type: 'array', items: id },
      headers: { 'X-Next-Cursor': { description: 'cursor of the next page; absent on the last', schema: { type: 'string' } } },
    },
  },
} as const satisfies RouteContract;
