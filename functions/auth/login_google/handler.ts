import { httpHandler, respond } from '@darkroom/runtime';
import { googleDeps } from '../lib/deps';
import { exchangeGoogleCode } from '../lib/google';
import { bearer } from '../lib/sessions';
import { schema } from './schema';

const deps = googleDeps();

/** POST /auth/login_google -> 200 with the same `data` and `Authorization` header as /auth/user_login. */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => {
    const tokens = await exchangeGoogleCode(deps, input.body);
    return respond(tokens, { message: 'Logged in with Google', headers: bearer(tokens) });
  });
