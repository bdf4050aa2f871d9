import type { RouteSchema } from '@darkroom/runtime';
import { username } from '../lib/schemas';

/** POST /auth/forgot_password (seed 003): `username` or the account's e-mail. At most 5 requests per username per hour. */
export const schema = {
  body: { type: 'object', properties: { username }, required: ['username'], additionalProperties: false },
} as const satisfies RouteSchema;
