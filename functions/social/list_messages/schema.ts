import { cursorSchema, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { LIMITS } from '../lib/limits';
import { messageBody, pathIds } from '../lib/schemas';

/** GET /chat/{eventId}/messages. */
export const schema = {
  path: pathIds('eventId'),
  query: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: LIMITS.messagesPage.max, description: `messages per page (default ${LIMITS.messagesPage.default})` },
      cursor: cursorSchema,
      before: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[a-z0-9]+$', description: 'a message id: the page starts with the message before it' },
    },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Read a chat',
  description: 'Newest first, `limit` per page (default 50, at most 100): pass `next_cursor` back as `cursor` for the next page (null on the last). Members of the event only (403).',
  responses: { 200: { description: 'A page of messages', body: { type: 'array', items: messageBody }, paged: true } },
} as const satisfies RouteContract;
