import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds } from '../lib/schemas';

/** GET /user/{id}/calendar.ics?token=. */
export const schema = {
  path: pathIds('id'),
  query: {
    type: 'object',
    properties: { token: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' } },
    required: ['token'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

const etag = { description: 'The quoted SHA-256 of the feed: send it back in If-None-Match', schema: { type: 'string' }, required: true } as const;

export const contract = {
  summary: 'A user\'s iCalendar feed',
  description: 'An iCalendar (RFC 5545) feed of the events the user owns or accepted, to subscribe to from Google Calendar (Other calendars -> From URL), Apple Calendar or Outlook: one VTIMEZONE per zone used, weekly events as RRULE:FREQ=WEEKLY;BYDAY=..;UNTIL=<UTC>, imported events with their own RRULE/EXDATE/RDATE, ORGANIZER and ATTENDEE with PARTSTAT, the chat as URL, the weight as X-DARKROOM-WEIGHT. `token` is the feed token of POST /user/{id}/calendar_token (no bearer token: calendar apps cannot send one); a wrong or replaced token gets 404.',
  responses: {
    200: { description: 'The feed', raw: true, mediaType: 'text/calendar', headers: { ETag: etag } },
    304: { description: 'Unchanged since the ETag in If-None-Match (no body)', raw: true, headers: { ETag: etag } },
  },
} as const satisfies RouteContract;
