import type { RouteSchema } from '@darkroom/runtime';
import { password, username } from '../../auth/lib/index';

/** POST /photos/login (seed 002): `username` is the Cognito username or the account's e-mail. */
export const schema = {
  body: { type: 'object', properties: { username, password }, required: ['username', 'password'], additionalProperties: false },
} as const satisfies RouteSchema;
