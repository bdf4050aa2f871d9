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
  description: '1-2,000 characters, not blank. Members of the event only (403). Messages are stored for members to fetch, not broadcast.',
  responses: { 201: { description: 'Stored', body: messageBody } },
} as const satisfies RouteContract;
