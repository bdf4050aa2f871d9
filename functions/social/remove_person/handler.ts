import { httpHandler } from '@darkroom/runtime';
import { removePerson } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { closingAfter, deliveryDeps, disconnectFromEvent } from '../lib/chat/delivery';
import { schema } from './schema';

const deps = socialDeps();

/**
 * DELETE /event/{id}/people/{userId} -> `{response: "success"}`: the owner removes someone, or a member
 * leaves; the removed user's sockets subscribed to the event's chat are closed.
 */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => {
    const result = await removePerson(deps, caller, input.path.id, input.path.userId);
    await closingAfter('a removal', () => disconnectFromEvent(deliveryDeps(deps.events), input.path.id, input.path.userId));
    return result;
  });
