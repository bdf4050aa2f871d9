import { accountsDeps } from '@darkroom/accounts';
import { httpHandler, respond } from '@darkroom/runtime';
import { forgotPassword } from '../lib/accounts';
import { schema } from './schema';

const deps = accountsDeps();

/** POST /auth/forgot_password -> 200 `{message, data: {username, delivery}, error: false}`, the same for unknown users. */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => respond(await forgotPassword(deps, input.body), {
    message: 'If the account exists, a password reset code has been sent to its e-mail address',
  }));
