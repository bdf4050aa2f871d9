import { websocketHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { deliveryDeps } from '../lib/chat/delivery';
import { subscribe } from '../lib/chat/session';
import { schema } from './schema';

const social = socialDeps();

/**
 * WebSocket route `subscribe {event_id}` -> `{type: "subscribed", event_id, messages}` (the newest page,
 * newest first); the connection receives the event's messages from then on. Members only (error 403).
 */
export const handler = websocketHandler({ schema })
  .handler(async ({ connectionId, body }) => subscribe({ ...social, delivery: deliveryDeps(social.events) }, connectionId, String(body.event_id)));
