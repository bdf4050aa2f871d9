import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { id } from '../lib/schemas';

/** A unix timestamp (single events) or a clock time "H:MM" (recurring); checked by the domain. */
const time = { anyOf: [{ type: 'string', minLength: 1, maxLength: 12 }, { type: 'integer', minimum: 0 }] } as const;

/** POST /event: seed 004's body. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      description: { type: 'string', maxLength: 2000 },
      start_time: time,
      end_time: time,
      single_event: { type: 'boolean' },
      repeat_days: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 6 }, maxItems: 7, uniqueItems: true },
      repeat_until: { type: 'integer', minimum: 0 },
      repeat_from: { type: 'integer', minimum: 0 },
      weight: { type: 'integer', minimum: 1, maximum: 5 },
      owner: { type: 'string', minLength: 1, maxLength: 254 },
      google: { type: 'boolean' },
      time_zone: { type: 'string', minLength: 1, maxLength: 64 },
    },
    required: ['name', 'start_time', 'end_time', 'single_event', 'owner'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Create an event',
  description: '`single_event: true`: `start_time`/`end_time` are unix seconds. Otherwise they are wall-clock times "0:00".."23:59" in `time_zone` (IANA; default the profile\'s, default UTC) on the weekdays `repeat_days` (0 = Sunday) from `repeat_from` (unix seconds, default today) until `repeat_until` (unix seconds, inclusive, as RFC 5545 UNTIL); an end before the start crosses midnight. `weight` 1-5 (default 3). `owner` must be the caller (their id or e-mail).',
  responses: { 201: { description: 'Created', body: { type: 'object', properties: { id }, required: ['id'] } } },
} as const satisfies RouteContract;
