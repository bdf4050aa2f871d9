import type { RouteSchema } from '@darkroom/runtime';
import { confirmCode, username } from '../lib/schemas';

/** POST /auth/auth_confirm (seed 003). */
export const schema = {
  body: {
    type: 'object', properties: { username, confirm_code: confirmCode }, required: ['username', 'confirm_code'], additionalProperties: false,
  },
} as const satisfies RouteSchema;
