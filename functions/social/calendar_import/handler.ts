import { httpHandler } from '@darkroom/runtime';
import { importCalendar } from '../lib/calendar/import';
import { calendarDeps } from '../lib/calendar/repository';
import { schema } from './schema';

const deps = calendarDeps();

/** POST /user/{id}/calendar_import (a text/calendar body, at most 1 MiB) -> `{response: {created, updated, unchanged, skipped}}`. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'raw' })
  .handler(async ({ caller, input, event }) => importCalendar(deps, caller, input.path.id, {
    body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: event.headers['content-type'],
  }));
