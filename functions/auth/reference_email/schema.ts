import type { RouteSchema } from '@darkroom/runtime';
import { email, username } from '../lib/schemas';

/** POST /send-mail/reference-email (seed 003): `username` must be the caller's. 10 invitations per sender per UTC day. */
export const schema = {
  body: {
    type: 'object', properties: { username, destination_email: email }, required: ['username', 'destination_email'], additionalProperties: false,
  },
} as const satisfies RouteSchema;
