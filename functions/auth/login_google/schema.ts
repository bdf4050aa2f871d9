import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { authorizationCode, redirectUri, sessionTokens, bearerHeader } from '../lib/schemas';

/** POST /auth/login_google: the hosted UI's authorization code (Google as IdP) and the redirect_uri it was sent to. */
export const schema = {
  body: {
    type: 'object', properties: { code: authorizationCode, redirect_uri: redirectUri }, required: ['code', 'redirect_uri'], additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Log in with Google',
  description: "Exchanges the hosted UI's authorization code (Google as identity provider) for Darkroom tokens; same data and Authorization header as /auth/user_login. 401 for an invalid or used code.",
  responses: { 200: { description: 'Logged in with Google', body: sessionTokens, headers: bearerHeader } },
} as const satisfies RouteContract;
