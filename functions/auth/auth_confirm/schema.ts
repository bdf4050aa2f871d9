import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { confirmCode, username, rateLimited } from '../lib/schemas';

/** POST /auth/auth_confirm (seed 003). */
export const schema = {
  body: {
    type: 'object', properties: { username, confirm_code: confirmCode }, required: ['username', 'confirm_code'], additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Confirm an account',
  description: 'Confirms a new account with the code Cognito e-mailed. 400 for a wrong or used code; 429 after 5 wrong codes in 15 minutes.',
  responses: { 200: { description: 'Account confirmed: log in', body: { type: 'object', properties: { username: { type: 'string', minLength: 1 }, confirmed: { const: true } }, required: ['username', 'confirmed'], additionalProperties: false } }, 429: rateLimited },
} as const satisfies RouteContract;
