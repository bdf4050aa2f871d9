import { httpHandler } from '@darkroom/runtime';
import { accountsDeps, logIn } from '@darkroom/accounts';
import { schema } from './schema';

const deps = accountsDeps();

/**
 * POST /photos/login (seed 002) -> 200 `{jwt, credentials}`: the ID token the photos endpoints take, and the
 * account's e-mail address. Same rules as /auth/user_login (401, 403 unconfirmed, 429 after 5 failures per username from one address or 20 from all).
 */
export const handler = httpHandler({ envelope: 'plain', auth: 'none', schema })
  .handler(async ({ input, event }) => {
    const tokens = await logIn(deps, input.body, { sourceIp: event.requestContext?.http?.sourceIp });
    return { jwt: tokens.id_token, credentials: tokens.email ?? tokens.username };
  });
