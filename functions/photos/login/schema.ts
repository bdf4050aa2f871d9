import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { password, username } from '@darkroom/accounts';

/** POST /photos/login (seed 002): `username` is the Cognito username or the account's e-mail. */
export const schema = {
  body: { type: 'object', properties: { username, password }, required: ['username', 'password'], additionalProperties: false },
} as const satisfies RouteSchema;

/** What the route answers (plain envelope: the whole body). */
export const contract = {
  summary: 'Log in (photos)',
  description: "Seed 002's login: the ID token the photos routes take as a Bearer token, and the account's e-mail address. Same rules as /auth/user_login: 401 wrong credentials, 403 unconfirmed, 429 after 5 failures in 15 minutes.",
  responses: { 200: { description: 'Logged in', body: { type: 'object', properties: { jwt: { type: 'string', minLength: 1, description: 'Cognito ID token' }, credentials: { type: 'string', minLength: 1, description: "the account's e-mail address (or username)" } }, required: ['jwt', 'credentials'], additionalProperties: false } }, 429: { description: 'Too many failed logins: wait Retry-After seconds', headers: { 'Retry-After': { description: 'seconds until the limit resets', required: true, schema: { type: 'integer', minimum: 1 } } } } },
} as const satisfies RouteContract;
