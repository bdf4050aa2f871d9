import type { RouteSchema } from '@darkroom/runtime';
import { password, username } from '../lib/schemas';

/** POST /auth/user_login (seed 003): `username` may also be the account's e-mail address. */
export const schema = {
  body: { type: 'object', properties: { username, password }, required: ['username', 'password'], additionalProperties: false },
} as const satisfies RouteSchema;
