import { httpHandler, respond } from '@darkroom/runtime';
import { sessionDeps } from '../lib/deps';
import { refreshSession, withCredentials } from '../lib/sessions';
import { schema } from './schema';

const deps = sessionDeps();

/**
 * POST /auth/refresh_token -> 200 `{message, data: {id_token, token, refresh_token, expires_in, identity_id, access_key,
 * secret_key, session_key, expires_at, ...}, error}` (new temporary credentials too);
 * 401 for a refresh token that is invalid, another user's, or of a session ended by logout.
 */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => respond(await withCredentials(deps.identities, await refreshSession(deps, input.body)), { message: 'Tokens refreshed' }));
