import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { email, username, rateLimited } from '../lib/schemas';

/** POST /send-mail/reference-email (seed 003): `username` must be the caller's. 10 invitations per sender per UTC day. */
export const schema = {
  body: {
    type: 'object', properties: { username, destination_email: email }, required: ['username', 'destination_email'], additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Invite someone by e-mail',
  description: "Sends the invitation mail to destination_email as the caller. 403 when username is not the caller's, 400 for an invalid address, 429 past 10 invitations per sender per UTC day.",
  responses: { 200: { description: 'Invitation sent', body: { type: 'object', properties: { destination_email: { type: 'string', minLength: 3 }, message_id: { type: 'string', minLength: 1 }, sent_today: { type: 'integer', minimum: 1 }, daily_limit: { type: 'integer', minimum: 1 } }, required: ['destination_email', 'message_id', 'sent_today', 'daily_limit'], additionalProperties: false } }, 403: { description: 'username is not the caller' }, 429: rateLimited },
} as const satisfies RouteContract;
