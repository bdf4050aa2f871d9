import type { RouteSchema } from '@darkroom/runtime';
import { refreshToken, username } from '../lib/schemas';

/** POST /auth/refresh_token (seed 003): `username` (or the account's e-mail) must own `refresh_token`. */
export const schema = {
  body: {
    type: 'object', properties: { username, refresh_token: refreshToken }, required: ['username', 'refresh_token'], additionalProperties: false,
  },
} as const satisfies RouteSchema;
