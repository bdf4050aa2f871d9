import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds } from '../lib/schemas';

/** POST /user/{id}/calendar_token: no body (an empty JSON object at most). */
export const schema = {
  path: pathIds('id'),
  body: { type: 'object', properties: {}, additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Create or replace the caller\'s calendar feed token',
  description: 'A new secret for the feed URL (GET /user/{id}/calendar.ics?token=), shown once and stored as its SHA-256. The previous token stops working at once. Only for the caller\'s own id (403 otherwise).',
  responses: {
    201: {
      description: 'The new token and the URL to subscribe to',
      body: {
        type: 'object',
        properties: {
          token: { type: 'string', minLength: 43, maxLength: 43 },
          feed_url: { type: 'string', format: 'uri' },
          created_at: { type: 'string', format: 'date-time' },
        },
        required: ['token', 'feed_url', 'created_at'],
      },
    },
  },
} as const satisfies RouteContract;
