import { websocketHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { deliveryDeps } from '../lib/chat/delivery';

const social = socialDeps();

/** WebSocket `$disconnect`: deletes the connection and its subscriptions (API Gateway closed the socket). */
export const handler = websocketHandler()
  .handler(async ({ connectionId }) => {
    await deliveryDeps(social.events).connections.remove(connectionId);
  });
