import { accountsDeps } from '@darkroom/accounts';
import { httpHandler, respond } from '@darkroom/runtime';
import { resetPassword } from '../lib/accounts';
import { schema } from './schema';

const deps = accountsDeps();

/** POST /auth/confirm_code_forgot_password -> 200 `{message, data: {username, password_reset: true}, error: false}`. */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => respond(await resetPassword(deps, input.body), { message: 'Password changed: log in with the new password' }));
