import { httpHandler } from '@darkroom/runtime';
import { accountsDeps } from '@darkroom/accounts';
import { logOut } from '../lib/sessions';
import { socialDeps } from '../lib/deps';
import { closingAfter, deliveryDeps, disconnectUser } from '../lib/chat/delivery';
import { schema } from './schema';

const deps = accountsDeps();
const social = socialDeps();

/**
 * PUT /user/{id}/logout -> `{response: "success"}`: every earlier token of the caller is refused from then
 * on (401), and the caller's chat sockets are closed.
 */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => {
    const result = await logOut(deps, caller, input.path.id);
    await closingAfter('a logout', () => disconnectUser(deliveryDeps(social.events), caller.sub));
    return result;
  });
