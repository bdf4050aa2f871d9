import { httpHandler, page } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { incomingRequests } from '../lib/profiles/use-cases';
import { schema } from './schema';

const deps = socialDeps();

/** GET /user/{id}/friend_requests -> `{response: [{from, created_at}], next_cursor}`: the caller's incoming pending requests. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => page(await incomingRequests(deps, caller, input.path.id, input.query)));
