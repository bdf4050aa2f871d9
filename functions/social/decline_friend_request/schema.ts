import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds } from '../lib/schemas';

/** POST /user/{id}/friend_request/{from}/decline: no body. */
export const schema = {
  path: pathIds('id', 'from'),
  body: { type: 'object', additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Decline a friend request',
  description: 'The request is deleted; the sender is not told. Only the user themself (403 otherwise).',
  responses: { 200: { description: 'Answered', body: { type: 'string', enum: ['declined'] } } },
} as const satisfies RouteContract;
