import { LIMITS } from '../limits';
import { id } from '../schemas';

/**
 * The frames of the chat's WebSocket API (docs/CHAT.md). Client to server, routed on `action`
 * (route selection expression `$request.body.action`): `subscribe` and `send`. Server to client, by
 * `type`: `subscribed`, `sent`, `message`, `error`.
 */
export const subscribeFrame = {
  type: 'object',
  properties: { action: { const: 'subscribe' }, event_id: id },
  required: ['action', 'event_id'],
  additionalProperties: false,
} as const;

/** `send`: the text as `POST /chat/{eventId}/messages` takes it, and an optional idempotency key. */
export const sendFrame = {
  type: 'object',
  properties: {
    action: { const: 'send' },
    event_id: id,
    message: { type: 'string', minLength: 1, maxLength: LIMITS.messageLength },
    idempotency_key: { type: 'string', minLength: 1, maxLength: 128 },
  },
  required: ['action', 'event_id', 'message'],
  additionalProperties: false,
} as const;

/** The `$connect` query: the token (when not sent as a subprotocol) and an event to subscribe to at once. */
export const connectQuery = {
  type: 'object',
  properties: { token: { type: 'string' }, event_id: id },
} as const;
