import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { LIMITS } from '../lib/limits';
import { messageBody, pathIds } from '../lib/schemas';

/** POST /chat/{eventId}/messages. */
export const schema = {
  path: pathIds('eventId'),
  body: {
    type: 'object',
    properties: { message: { type: 'string', minLength: 1, maxLength: LIMITS.messageLength } },
    required: ['message'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Send a chat message',
  description: '1-2,000 characters, not blank. Members of the event only (403). Stored, and pushed at once to every member connected to the chat\'s WebSocket API (docs/CHAT.md). An optional `Idempotency-Key` header (1-128 visible ASCII characters, remembered 24 hours per sender and event) makes a resend answer the first message without storing or pushing it again; the same key with another text is 422.',
  responses: {
    201: { description: 'Stored (or, for a repeated Idempotency-Key, the message first stored)', body: messageBody },
    409: { description: 'A message with this Idempotency-Key is being stored: retry in a moment' },
    422: { description: 'The Idempotency-Key was already used for another text' },
  },
} as const satisfies RouteContract;
