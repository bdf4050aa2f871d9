import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { confirmCode, password, username, rateLimited } from '../lib/schemas';

/** POST /auth/confirm_code_forgot_password (seed 003). 5 wrong codes per username per 15 min, then 429. */
export const schema = {
  body: {
    type: 'object', properties: { username, password, confirm_code: confirmCode }, required: ['username', 'password', 'confirm_code'], additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Reset the password',
  description: 'Sets a new password with the reset code. 400 for a wrong code or a password the policy refuses; 429 after 5 wrong codes in 15 minutes.',
  responses: { 200: { description: 'Password changed: log in with the new one', body: { type: 'object', properties: { username: { type: 'string', minLength: 1 }, password_reset: { const: true } }, required: ['username', 'password_reset'], additionalProperties: false } }, 429: rateLimited },
} as const satisfies RouteContract;
