import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { freeSlotsBody, pathIds, slotQuery } from '../lib/schemas';

/** GET /event/{id}/free_slots. */
export const schema = { path: pathIds('id'), query: slotQuery } as const satisfies RouteSchema;

export const contract = {
  summary: 'When everyone attending is free',
  description: 'Common free slots of the owner and every accepted invitee in [from, to) (as for /user/{id}/free_slots; the event itself does not block), ranked by total weight then length, at most 10. Members only (403).',
  responses: { 200: { description: 'The best common slots', body: freeSlotsBody } },
} as const satisfies RouteContract;
