/**
 * JSON Schemas the social routes share: inputs (path ids, coordinates, free-slot queries) and the
 * bodies of their answers (the data inside `{response: ...}`) for the route contracts.
 */
import type { RouteContract } from '@darkroom/runtime';
import { LIMITS } from './limits';

/** A user id (Cognito sub) or an event id. */
export const id = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } as const;

/** A path schema requiring each named id. */
export const pathIds = <const N extends string>(...names: N[]) => ({
  type: 'object',
  properties: Object.fromEntries(names.map((name) => [name, id])) as { [K in N]: typeof id },
  required: names,
}) as const;

/** Seed 004 sends coordinates as string floats; numbers are accepted too. Ranges are checked by the domain. */
const degrees = { anyOf: [{ type: 'string', minLength: 1, maxLength: 32 }, { type: 'number' }] } as const;
export const coordinatesBody = {
  type: 'object',
  properties: { latitude: degrees, longitude: degrees },
  required: ['latitude', 'longitude'],
  additionalProperties: false,
} as const;

/** An instant: ISO 8601 or unix seconds. */
const instant = { type: 'string', minLength: 1, maxLength: 40 } as const;
/** `from`, `to` (ISO 8601 or unix seconds), `min_duration` (minutes), `max_weight` (0-5). */
export const slotQuery = {
  type: 'object',
  properties: {
    from: instant,
    to: instant,
    min_duration: { type: 'integer', minimum: 1, maximum: 1440 },
    max_weight: { type: 'integer', minimum: 0, maximum: 5 },
  },
  additionalProperties: false,
} as const;

/** The `"success"` answer. */
export const success = { type: 'string', enum: ['success'] } as const;

/** A location as routes return it. */
export const locationView = {
  type: 'object',
  properties: { latitude: { type: 'number' }, longitude: { type: 'number' }, updated_at: { type: 'string', format: 'date-time' } },
  required: ['latitude', 'longitude', 'updated_at'],
} as const;

/** Seed 004's event shape plus the recurrence fields (see lib/events.ts `eventView`). */
export const eventViewBody = {
  type: 'object',
  properties: {
    id, name: { type: 'string' }, description: { type: 'string' },
    start_time: { type: 'integer', description: 'unix seconds of the current or next occurrence' },
    duration: { type: 'integer', description: 'seconds' },
    status: { type: 'string', enum: ['pending', 'active', 'passed'] },
    owner: id, accepted: { type: 'array', items: id }, invited: { type: 'array', items: id },
    chat_url: { type: 'string' }, weight: { type: 'integer', minimum: 1, maximum: 5 },
    single_event: { type: 'boolean' }, time_zone: { type: 'string' }, google: { type: 'boolean' },
    recurrence: {
      anyOf: [{
        type: 'object',
        properties: {
          start_time: { type: 'string' }, end_time: { type: 'string' },
          repeat_days: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 6 } },
          repeat_from: { type: 'integer' }, repeat_until: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        },
        required: ['start_time', 'end_time', 'repeat_days', 'repeat_from', 'repeat_until'],
      }, { type: 'null' }],
    },
    location: { anyOf: [locationView, { type: 'null' }] },
  },
  required: ['id', 'name', 'start_time', 'duration', 'status', 'owner', 'accepted', 'invited', 'chat_url', 'weight', 'single_event', 'time_zone', 'recurrence', 'location'],
} as const;

/** `{start_at, end_at, weight}` free slots. */
export const freeSlotsBody = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      start_at: { type: 'string', format: 'date-time' }, end_at: { type: 'string', format: 'date-time' },
      weight: { type: 'integer', minimum: 0, description: 'sum of the weights of the movable events the slot overlaps' },
    },
    required: ['start_at', 'end_at', 'weight'],
  },
} as const;

/** A chat message. */
export const messageBody = {
  type: 'object',
  properties: { id: { type: 'string' }, sender: id, message: { type: 'string', maxLength: LIMITS.messageLength }, sent_at: { type: 'string', format: 'date-time' } },
  required: ['id', 'sender', 'message', 'sent_at'],
} as const;

/**
 * The answer of `GET /user/{id}` and `GET /user/{id}/schedule` (seed 004 gives both routes one shape):
 * the user and the events they own or accepted.
 */
export const userScheduleContract = {
  summary: 'A user and their schedule',
  description: 'The schedule is the events the user owns or accepted. Visible to the user and their friends; anyone else gets 404.',
  responses: {
    200: {
      description: 'The user',
      body: { type: 'object', properties: { id, username: { type: 'string' }, schedule: { type: 'array', items: eventViewBody } }, required: ['id', 'username', 'schedule'] },
    },
  },
} as const satisfies RouteContract;
