import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { LIMITS } from '../lib/limits';
import { messageBody, pathIds } from '../lib/schemas';

/** GET /chat/{eventId}/messages. */
export const schema = {
  path: pathIds('eventId'),
  query: {
    type: 'object',
    properties: {
      before: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[a-z0-9]+$' },
      limit: { type: 'integer', minimum: 1, maximum: LIMITS.messagesPage.max },
    },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Read a chat',
  description: 'Newest first, `limit` per page (default 50, at most 100); pass the last message\'s id as `before` for the next page. Members of the event only (403).',
  responses: { 200: { description: 'Messages', body: { type: 'array', items: messageBody } } },
} as const satisfies RouteContract;
