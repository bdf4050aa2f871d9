import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { username, codeSent, rateLimited } from '../lib/schemas';

/** POST /auth/resend_confirmcode (seed 003). At most 5 code e-mails per username per hour (429 after). */
export const schema = {
  body: { type: 'object', properties: { username }, required: ['username'], additionalProperties: false },
} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Resend the confirmation code',
  description: 'E-mails a new confirmation code. 404 for an unknown username, 409 for a confirmed account, 429 after 5 codes in an hour.',
  responses: { 200: { description: 'A new code was sent', body: codeSent }, 409: { description: 'The account is already confirmed' }, 429: rateLimited },
} as const satisfies RouteContract;
