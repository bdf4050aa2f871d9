import { DomainError, websocketHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { deliveryDeps } from '../lib/chat/delivery';
import { openConnection } from '../lib/chat/session';

const social = socialDeps();

/**
 * WebSocket `$connect`: the Cognito token (subprotocol entry, `token` query parameter or Authorization)
 * is verified by the JWT layer, revocations included (401 refuses the handshake); the connection is
 * recorded. `?event_id=` subscribes at once, members only (403/404 refuse the handshake).
 */
export const handler = websocketHandler({ connect: true })
  .handler(async ({ caller, connectionId, event }) => {
    if (!caller) throw new DomainError(401, 'Missing token');
    await openConnection({ ...social, delivery: deliveryDeps(social.events) }, caller, connectionId, event.queryStringParameters?.event_id);
  });
