import type { RouteSchema } from '@darkroom/runtime';
import { email, password, username } from '../lib/schemas';

/** POST /auth/user_signup (seed 003). */
export const schema = {
  body: {
    type: 'object', properties: { email, username, password }, required: ['email', 'username', 'password'], additionalProperties: false,
  },
} as const satisfies RouteSchema;
