import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { refreshToken, username, sessionTokens } from '../lib/schemas';

/** POST /auth/refresh_token (seed 003): `username` (or the account's e-mail) must own `refresh_token`. */
export const schema = {
  body: {
    type: 'object', properties: { username, refresh_token: refreshToken }, required: ['username', 'refresh_token'], additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Refresh the tokens',
  description: "New ID and access tokens for a refresh token the named user owns. 401 for an invalid refresh token, another user's, or one of a session ended by logout.",
  responses: { 200: { description: 'Tokens refreshed', body: sessionTokens } },
} as const satisfies RouteContract;
