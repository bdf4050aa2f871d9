import type { RouteSchema } from '@darkroom/runtime';
import { confirmCode, password, username } from '../lib/schemas';

/** POST /auth/confirm_code_forgot_password (seed 003). 5 wrong codes per username per 15 min, then 429. */
export const schema = {
  body: {
    type: 'object', properties: { username, password, confirm_code: confirmCode }, required: ['username', 'password', 'confirm_code'], additionalProperties: false,
  },
} as const satisfies RouteSchema;
