import { websocketHandler } from '@darkroom/runtime';
import { chatSendDeps } from '../lib/chat/send';
import { socialDeps } from '../lib/deps';
import { sendFrom } from '../lib/chat/session';
import { schema } from './schema';

const deps = chatSendDeps(socialDeps());

/**
 * WebSocket route `send {event_id, message, idempotency_key?}` -> `{type: "sent", event_id, message,
 * repeated}`: stored and pushed exactly as `POST /chat/{eventId}/messages` does (same limits, record,
 * idempotency). Members only (error 403).
 */
export const handler = websocketHandler({ schema })
  .handler(async ({ connectionId, body }) => sendFrom(deps, connectionId, body as { event_id: string; message: string; idempotency_key?: string }));
