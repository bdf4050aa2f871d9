import { httpHandler, respond } from '@darkroom/runtime';
import { accountsDeps } from '../lib/deps';
import { refreshSession } from '../lib/sessions';
import { schema } from './schema';

const deps = accountsDeps();

/**
 * POST /auth/refresh_token -> 200 `{message, data: {id_token, token, refresh_token, expires_in, identity_id, ...}, error}`;
 * 401 for a refresh token that is invalid, another user's, or of a session ended by logout.
 */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => respond(await refreshSession(deps, input.body), { message: 'Tokens refreshed' }));
