import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { freeSlotsBody, pathIds, slotQuery } from '../lib/schemas';

/** GET /user/{id}/free_slots. */
export const schema = { path: pathIds('id'), query: slotQuery } as const satisfies RouteSchema;

export const contract = {
  summary: 'When a user is free',
  description: 'The time in [from, to) (ISO 8601 or unix seconds; default now and 7 days; at most 90 days) not covered by the user\'s owned or accepted events, recurrences expanded in their own time zone. Slots shorter than `min_duration` minutes (default 30) are left out. Events of weight <= `max_weight` (default 0) do not block: their weights are summed into each slot\'s `weight`. The user themself or a friend (404 otherwise).',
  responses: { 200: { description: 'Free slots in time order', body: freeSlotsBody } },
} as const satisfies RouteContract;
