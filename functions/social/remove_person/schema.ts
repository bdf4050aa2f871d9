import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds, success } from '../lib/schemas';

/** DELETE /event/{id}/people/{userId}. */
export const schema = { path: pathIds('id', 'userId') } as const satisfies RouteSchema;

export const contract = {
  summary: 'Remove someone from an event',
  description: 'The owner, or the person themself (403 otherwise); the owner cannot be removed (400).',
  responses: { 200: { description: 'Removed', body: success } },
} as const satisfies RouteContract;
