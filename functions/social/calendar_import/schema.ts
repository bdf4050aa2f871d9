import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds } from '../lib/schemas';

/** POST /user/{id}/calendar_import: the body is the .ics file (checked by the domain). */
export const schema = { path: pathIds('id') } as const satisfies RouteSchema;

export const contract = {
  summary: 'Import an iCalendar file',
  description: 'Imports an iCalendar (RFC 5545) file, as Google Calendar, Apple Calendar or Outlook export it, into the caller\'s events (`google: true`, `ical.uid`, `ical.source`). Each VEVENT is keyed by its UID: importing the same file again changes nothing, a changed event is updated. Weekly rules become recurring events; other recurrences (monthly, COUNT, INTERVAL, EXDATE, RDATE, moved instances, all-day, floating times) are kept as iCalendar and count as busy in free slots. STATUS:CANCELLED and TRANSP:TRANSPARENT events do not block. Floating times and all-day dates are read in the profile\'s time zone. A body that is not iCalendar gets 400 saying where the parse stopped, and nothing is written. At most 1 MiB (413).',
  requestBody: { mediaType: 'text/calendar', description: 'The .ics file, at most 1 MiB' },
  responses: {
    200: {
      description: 'What the import did',
      body: {
        type: 'object',
        properties: {
          created: { type: 'integer', minimum: 0 },
          updated: { type: 'integer', minimum: 0 },
          unchanged: { type: 'integer', minimum: 0 },
          skipped: {
            type: 'array',
            items: { type: 'object', properties: { uid: { type: 'string' }, reason: { type: 'string' } }, required: ['uid', 'reason'] },
          },
        },
        required: ['created', 'updated', 'unchanged', 'skipped'],
      },
    },
  },
} as const satisfies RouteContract;
