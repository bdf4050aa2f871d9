import { pageQuerySchema, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { LIMITS } from '../lib/limits';
import { id, pathIds } from '../lib/schemas';

/** GET /user/{id}/friend_requests. */
export const schema = {
  path: pathIds('id'),
  query: pageQuerySchema(LIMITS.requestsPage),
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Incoming friend requests',
  description: 'Pending requests to the caller in sender id order, at most 100 per page: pass `next_cursor` back as `cursor` for the next page (null on the last). Only the user themself (403 otherwise).',
  responses: {
    200: {
      description: 'A page of pending requests',
      body: { type: 'array', items: { type: 'object', properties: { from: id, created_at: { type: 'string', format: 'date-time' } }, required: ['from', 'created_at'] } },
      paged: true,
    },
  },
} as const satisfies RouteContract;
