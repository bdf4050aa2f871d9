import { httpHandler } from '@darkroom/runtime';
import { getEvent } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** GET /event/{id} -> `{response: {id, name, start_time, duration, status, owner, accepted, invited, chat_url, ...}}`; members only (404). */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => getEvent(deps, caller, input.path.id));
