import type { RouteSchema } from '@darkroom/runtime';
import { sendFrame } from '../lib/chat/frames';

/** WebSocket route `send`: `{action: "send", event_id, message, idempotency_key?}`. */
export const schema = { body: sendFrame } as const satisfies RouteSchema;
