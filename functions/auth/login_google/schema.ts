import type { RouteSchema } from '@darkroom/runtime';
import { authorizationCode, redirectUri } from '../lib/schemas';

/** POST /auth/login_google: the hosted UI's authorization code (Google as IdP) and the redirect_uri it was sent to. */
export const schema = {
  body: {
    type: 'object', properties: { code: authorizationCode, redirect_uri: redirectUri }, required: ['code', 'redirect_uri'], additionalProperties: false,
  },
} as const satisfies RouteSchema;
