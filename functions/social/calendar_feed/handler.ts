import { httpHandler, rawResponse } from '@darkroom/runtime';
import { calendarDeps } from '../lib/calendar/repository';
import { apiBaseUrl, userFeed } from '../lib/calendar/token';
import { schema } from './schema';

const deps = calendarDeps();

/**
 * GET /user/{id}/calendar.ics?token= -> 200 text/calendar with an ETag, or 304 when If-None-Match
 * holds it. No bearer token: the feed token is the credential (404 when wrong or replaced).
 */
export const handler = httpHandler({ envelope: 'social', auth: 'none', schema, body: 'none' })
  .handler(async ({ input, event }) => {
    const feed = await userFeed(deps, input.path.id, input.query.token, event.headers['if-none-match'], apiBaseUrl(event));
    const headers = { ETag: feed.etag, 'Cache-Control': 'private, no-cache' };
    if (feed.not_modified) return rawResponse('', { statusCode: 304, headers });
    return rawResponse(feed.body, {
      headers: { ...headers, 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': 'inline; filename="calendar.ics"' },
    });
  });
