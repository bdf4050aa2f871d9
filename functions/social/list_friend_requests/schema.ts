import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { id, pathIds } from '../lib/schemas';

/** GET /user/{id}/friend_requests. */
export const schema = { path: pathIds('id') } as const satisfies RouteSchema;

export const contract = {
  summary: 'Incoming friend requests',
  description: 'Pending requests to the caller, oldest first. Only the user themself (403 otherwise).',
  responses: {
    200: {
      description: 'Pending requests',
      body: { type: 'array', items: { type: 'object', properties: { from: id, created_at: { type: 'string', format: 'date-time' } }, required: ['from', 'created_at'] } },
    },
  },
} as const satisfies RouteContract;
