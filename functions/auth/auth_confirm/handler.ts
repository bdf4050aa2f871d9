import { accountsDeps } from '@darkroom/accounts';
import { httpHandler, respond } from '@darkroom/runtime';
import { confirmSignUp } from '../lib/accounts';
import { schema } from './schema';

const deps = accountsDeps();

/** POST /auth/auth_confirm -> 200 `{message, data: {username, confirmed: true}, error: false}`. */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => respond(await confirmSignUp(deps, input.body), { message: 'Account confirmed' }));
