import { httpHandler } from '@darkroom/runtime';
import { answerInvitation } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** POST /event/{id}/people/{userId} {status: accepted|declined} -> `{response: "<status>"}`; the invitee themself. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => answerInvitation(deps, caller, input.path.id, input.path.userId, input.body.status));
