import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { refreshToken } from '../lib/schemas';

/** POST /auth/logout (Bearer ID or access token); the body may name the refresh token to revoke (RevokeToken). */
export const schema = {
  body: { type: 'object', properties: { refresh_token: refreshToken }, additionalProperties: false },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Log out',
  description: "Ends the caller's sessions: every earlier token of the caller is refused from then on (401), and so are its refresh tokens. The body may name a refresh token to revoke.",
  responses: { 200: { description: 'Logged out', body: { type: 'object', properties: { username: { type: 'string', minLength: 1 }, logged_out_at: { type: 'string', format: 'date-time' } }, required: ['username', 'logged_out_at'], additionalProperties: false } } },
} as const satisfies RouteContract;
