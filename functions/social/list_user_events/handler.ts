import { httpHandler } from '@darkroom/runtime';
import { userEvents } from '../lib/calendar';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** GET /user/{id}/events -> `{response: [events]}`: the events the caller owns or is invited to. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => userEvents(deps, caller, input.path.id));
