import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds, success } from '../lib/schemas';

/** PUT /user/{id}/logout: no body. */
export const schema = { path: pathIds('id'), body: { type: 'object', additionalProperties: false } } as const satisfies RouteSchema;

export const contract = {
  summary: 'Log out everywhere',
  description: 'Writes the JWT layer\'s revocation record, as /auth/logout does: every token of the caller\'s sessions so far (ID, access, and refresh at /auth/refresh_token) is refused from then on. Only the user themself (403 otherwise).',
  responses: { 200: { description: 'Logged out', body: success } },
} as const satisfies RouteContract;
