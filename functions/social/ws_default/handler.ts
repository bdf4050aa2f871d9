import { DomainError, websocketHandler } from '@darkroom/runtime';

/** WebSocket `$default`: a frame whose `action` is no route -> error frame 400 naming the actions there are. */
export const handler = websocketHandler()
  .handler(async ({ body }) => {
    const action = typeof body.action === 'string' ? `"${body.action.slice(0, 64)}"` : 'missing';
    throw new DomainError(400, `Unknown action ${action}: send {"action": "subscribe", "event_id"} or {"action": "send", "event_id", "message"}`);
  });
