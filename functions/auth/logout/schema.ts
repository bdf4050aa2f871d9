import type { RouteSchema } from '@darkroom/runtime';
import { refreshToken } from '../lib/schemas';

/** POST /auth/logout (Bearer ID or access token); the body may name the refresh token to revoke (RevokeToken). */
export const schema = {
  body: { type: 'object', properties: { refresh_token: refreshToken }, additionalProperties: false },
} as const satisfies RouteSchema;
