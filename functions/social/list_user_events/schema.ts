import { pageQuerySchema, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { LIMITS } from '../lib/limits';
import { eventViewBody, pathIds } from '../lib/schemas';

/** GET /user/{id}/events. */
export const schema = {
  path: pathIds('id'),
  query: pageQuerySchema(LIMITS.eventsPage),
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Your events and invitations',
  description: 'Events the user owns, accepted or is invited to (declined ones are left out), in event id order, at most 50 per page: pass `next_cursor` back as `cursor` for the next page (null on the last). Only the user themself (403 otherwise).',
  responses: { 200: { description: 'A page of events', body: { type: 'array', items: eventViewBody }, paged: true } },
} as const satisfies RouteContract;
