import { httpHandler, respond } from '@darkroom/runtime';
import { resendConfirmationCode } from '../lib/accounts';
import { accountsDeps } from '../lib/deps';
import { schema } from './schema';

const deps = accountsDeps();

/** POST /auth/resend_confirmcode -> 200 `{message, data: {username, delivery}, error: false}`; 404 unknown, 409 confirmed. */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => respond(await resendConfirmationCode(deps, input.body), {
    message: 'A new confirmation code has been sent by e-mail',
  }));
