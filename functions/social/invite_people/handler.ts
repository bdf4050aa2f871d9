import { httpHandler } from '@darkroom/runtime';
import { invitePeople } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** POST /event/{id}/people {users} -> `{response: {invited, accepted}}`: the owner invites friends. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => invitePeople(deps, caller, input.path.id, input.body.users));
