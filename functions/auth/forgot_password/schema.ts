import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { username, rateLimited } from '../lib/schemas';

/** POST /auth/forgot_password (seed 003): `username` or the account's e-mail. At most 5 requests per username per hour. */
export const schema = {
  body: { type: 'object', properties: { username }, required: ['username'], additionalProperties: false },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Request a password reset code',
  description: 'E-mails a password reset code. Answers the same for unknown users, so it does not reveal which accounts exist. 429 after 5 requests in an hour.',
  responses: { 200: { description: 'If the account exists, a code was sent', body: { type: 'object', properties: { username: { type: 'string', minLength: 1 }, delivery: { const: 'email' } }, required: ['username', 'delivery'], additionalProperties: false } }, 429: rateLimited },
} as const satisfies RouteContract;
