import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { email, password, username, delivery } from '../lib/schemas';

/** POST /auth/user_signup (seed 003). */
export const schema = {
  body: {
    type: 'object', properties: { email, username, password }, required: ['email', 'username', 'password'], additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Create an account',
  description: "Registers a Cognito account; Cognito e-mails a confirmation code (locally: GET /_local/outbox). 409 when the username or the e-mail address is taken; 400 for a password the pool's policy refuses.",
  responses: { 200: { description: 'Account created, not confirmed yet', body: { type: 'object', properties: { username: { type: 'string', minLength: 1 }, user_sub: { type: 'string', minLength: 1 }, confirmed: { type: 'boolean' }, delivery }, required: ['username', 'user_sub', 'confirmed', 'delivery'], additionalProperties: false } }, 409: { description: 'The username or the e-mail address is taken' } },
} as const satisfies RouteContract;
