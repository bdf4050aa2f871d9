import { httpHandler, respond } from '@darkroom/runtime';
import { googleSessionDeps } from '../lib/deps';
import { exchangeGoogleCode } from '../lib/google';
import { bearer, withCredentials } from '../lib/sessions';
import { schema } from './schema';

const deps = googleSessionDeps();

/** POST /auth/login_google -> 200 with the same `data` (tokens and temporary credentials) and `Authorization` header as /auth/user_login. */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => {
    const session = await withCredentials(deps.identities, await exchangeGoogleCode(deps, input.body));
    return respond(session, { message: 'Logged in with Google', headers: bearer(session) });
  });
