import { httpHandler, respond } from '@darkroom/runtime';
import { calendarDeps } from '../lib/calendar/repository';
import { apiBaseUrl, rotateFeedToken } from '../lib/calendar/token';
import { schema } from './schema';

const deps = calendarDeps();

/** POST /user/{id}/calendar_token -> 201 `{response: {token, feed_url, created_at}}`; the previous token stops working. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input, event }) => respond(await rotateFeedToken(deps, caller, input.path.id, apiBaseUrl(event)), { statusCode: 201 }));
