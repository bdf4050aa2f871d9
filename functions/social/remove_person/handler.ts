import { httpHandler } from '@darkroom/runtime';
import { removePerson } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** DELETE /event/{id}/people/{userId} -> `{response: "success"}`: the owner removes someone, or a member leaves. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => removePerson(deps, caller, input.path.id, input.path.userId));
