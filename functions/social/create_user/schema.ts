import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { id } from '../lib/schemas';

/** POST /user: seed 004's body; `time_zone` (IANA, default UTC) is Darkroom's. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      email: { type: 'string', minLength: 3, maxLength: 254, format: 'email' },
      username: { type: 'string', minLength: 1, maxLength: 64 },
      jwt_token: { type: 'string', minLength: 1, maxLength: 8192 },
      time_zone: { type: 'string', minLength: 1, maxLength: 64 },
    },
    required: ['email', 'username'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

const body = { type: 'object', properties: { id }, required: ['id'] } as const;

export const contract = {
  summary: 'Create the caller\'s social profile',
  description: 'Keyed by the Cognito sub of the verified ID token (Authorization: Bearer, or the `jwt_token` field). `email` must be the token\'s. Idempotent: a second call returns the same id.',
  responses: {
    201: { description: 'Profile created', body },
    200: { description: 'The profile already existed; its id', body },
  },
} as const satisfies RouteContract;
