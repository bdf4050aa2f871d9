import type { RouteSchema } from '@darkroom/runtime';
import { subscribeFrame } from '../lib/chat/frames';

/** WebSocket route `subscribe`: `{action: "subscribe", event_id}`. */
export const schema = { body: subscribeFrame } as const satisfies RouteSchema;
