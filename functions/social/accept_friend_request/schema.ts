import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds } from '../lib/schemas';

/** POST /user/{id}/friend_request/{from}/accept: no body. */
export const schema = {
  path: pathIds('id', 'from'),
  body: { type: 'object', additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Accept a friend request',
  description: 'Both friendship items are written and the request deleted in one transaction. Only the user themself (403 otherwise).',
  responses: { 200: { description: 'Answered', body: { type: 'string', enum: ['accepted'] } } },
} as const satisfies RouteContract;
