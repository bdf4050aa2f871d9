import { httpHandler, page } from '@darkroom/runtime';
import { userEvents } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** GET /user/{id}/events?limit&cursor -> `{response: [events], next_cursor}`: the events the caller owns or is invited to. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => page(await userEvents(deps, caller, input.path.id, input.query)));
