import { logIn } from '@darkroom/accounts';
import { httpHandler, respond } from '@darkroom/runtime';
import { sessionDeps } from '../lib/deps';
import { bearer, withCredentials } from '../lib/sessions';
import { schema } from './schema';

const deps = sessionDeps();

/**
 * POST /auth/user_login -> 200 `{message, data: {id_token, token, refresh_token, expires_in, identity_id, access_key,
 * secret_key, session_key, expires_at, user_sub, ...}, error}` and `Authorization: Bearer <id_token>` (API Gateway
 * passes it on as `x-amzn-remapped-authorization`, as seed 003 shows).
 * 5 failed logins per username per source address, 20 per username, per 15 min; then 429 with Retry-After.
 */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input, event }) => {
    const session = await withCredentials(deps.identities, await logIn(deps, input.body, { sourceIp: event.requestContext?.http?.sourceIp }));
    return respond(session, { message: 'Logged in', headers: bearer(session) });
  });
