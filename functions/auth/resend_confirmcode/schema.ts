import type { RouteSchema } from '@darkroom/runtime';
import { username } from '../lib/schemas';

/** POST /auth/resend_confirmcode (seed 003). At most 5 code e-mails per username per hour (429 after). */
export const schema = {
  body: { type: 'object', properties: { username }, required: ['username'], additionalProperties: false },
} as const satisfies RouteSchema;
