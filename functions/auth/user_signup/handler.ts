import { accountsDeps } from '@darkroom/accounts';
import { httpHandler, respond } from '@darkroom/runtime';
import { signUp } from '../lib/accounts';
import { schema } from './schema';

const deps = accountsDeps();

/** POST /auth/user_signup -> 200 `{message, data: {username, user_sub, confirmed, delivery}, error: false}`. */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => respond(await signUp(deps, input.body), {
    message: 'Account created: confirm it with the code sent by e-mail',
  }));
