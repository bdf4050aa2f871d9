import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { eventViewBody, pathIds } from '../lib/schemas';

/** GET /event/{id}. */
export const schema = { path: pathIds('id') } as const satisfies RouteSchema;

export const contract = {
  summary: 'An event',
  description: 'Seed 004\'s event shape plus the recurrence fields. `start_time`/`duration` are those of the current or next occurrence. Visible to its owner and invitees (404 otherwise).',
  responses: { 200: { description: 'The event', body: eventViewBody } },
} as const satisfies RouteContract;
