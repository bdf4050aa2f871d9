import { httpHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { sendFriendRequest } from '../lib/profiles/use-cases';
import { schema } from './schema';

const deps = socialDeps();

/** POST /user/{id}/friend_request {from} -> `{response: "pending"}`, or `"accepted"` when {id} had asked `from` already. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => sendFriendRequest(deps, caller, input.path.id, input.body.from));
