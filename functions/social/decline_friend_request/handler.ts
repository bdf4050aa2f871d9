import { httpHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { answerFriendRequest } from '../lib/profiles/use-cases';
import { schema } from './schema';

const deps = socialDeps();

/** POST /user/{id}/friend_request/{from}/decline -> `{response: "declined"}`; 404 when there is no such pending request. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => answerFriendRequest(deps, caller, input.path.id, input.path.from, false));
