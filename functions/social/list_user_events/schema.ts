import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { eventViewBody, pathIds } from '../lib/schemas';

/** GET /user/{id}/events. */
export const schema = { path: pathIds('id') } as const satisfies RouteSchema;

export const contract = {
  summary: 'Your events and invitations',
  description: 'Events the user owns, accepted or is invited to (declined ones are left out), soonest first. Only the user themself (403 otherwise).',
  responses: { 200: { description: 'Events', body: { type: 'array', items: eventViewBody } } },
} as const satisfies RouteContract;
