import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { password, username, sessionTokens, bearerHeader, rateLimited } from '../lib/schemas';

/** POST /auth/user_login (seed 003): `username` may also be the account's e-mail address. */
export const schema = {
  body: { type: 'object', properties: { username, password }, required: ['username', 'password'], additionalProperties: false },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Log in',
  description: "Logs in with a username (or the account's e-mail) and a password. 401 for wrong credentials or an unknown user (indistinguishable), 403 for an unconfirmed account, 429 after 5 failed logins in 15 minutes.",
  responses: { 200: { description: 'Logged in: data holds the tokens', body: sessionTokens, headers: bearerHeader }, 403: { description: 'The account is not confirmed yet' }, 429: rateLimited },
} as const satisfies RouteContract;
