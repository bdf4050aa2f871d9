import { httpHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { removeFriend } from '../lib/profiles/use-cases';
import { schema } from './schema';

const deps = socialDeps();

/** DELETE /user/{id}/friends/{friendId} -> `{response: "success"}`: both sides of the friendship go at once. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => removeFriend(deps, caller, input.path.id, input.path.friendId));
