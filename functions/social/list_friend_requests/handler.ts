import { httpHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { incomingRequests } from '../lib/users';
import { schema } from './schema';

const deps = socialDeps();

/** GET /user/{id}/friend_requests -> `{response: [{from, created_at}]}`: the caller's incoming pending requests. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => incomingRequests(deps, caller, input.path.id));
