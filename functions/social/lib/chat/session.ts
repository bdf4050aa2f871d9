import type { Caller } from '@darkroom/jwt';
import type { Frame } from '@darkroom/runtime';
import { listMessages } from './use-cases';
import { sendChatMessage, type ChatSendDeps } from './send';
import type { SocialDeps } from '../deps';
import { CONNECTION_LIFETIME_IN } from './connections';
import { connectionCaller, type DeliveryDeps } from './delivery';

/** What the socket routes need besides the social deps. */
export interface SessionDeps extends SocialDeps { delivery: DeliveryDeps }

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `$connect`: records the connection of a verified caller (expiring with API Gateway's 2-hour limit);
 * with `eventId`, subscribes it too.
 * @throws DomainError 403/404 from {@link subscribe} (nothing is recorded then)
 */
export async function openConnection(deps: SessionDeps, caller: Caller, connectionId: string, eventId?: string): Promise<void> {
  const now = deps.now();
  if (eventId !== undefined) await listMessages(deps, caller, eventId, { limit: 1 });
  await deps.delivery.connections.put({
    connection_id: connectionId, user_id: caller.sub, username: caller.username, token_use: caller.tokenUse,
    auth_time: caller.authTime, ...(caller.sessionId ? { session_id: caller.sessionId } : {}),
    connected_at: iso(now), expires_at: Math.floor(now / 1000) + CONNECTION_LIFETIME_IN,
  });
  if (eventId !== undefined) await subscribe(deps, connectionId, eventId);
}

/**
 * `subscribe {event_id}`: the connection receives the event's messages from now on.
 * @returns `{type: "subscribed", event_id, messages}` with the newest page of the chat, newest first
 * @throws DomainError 401 unknown or logged-out connection; 403 non-member; 404 missing event
 */
export async function subscribe(deps: SessionDeps, connectionId: string, eventId: string): Promise<Frame> {
  const { caller, connection } = await connectionCaller(deps.delivery, connectionId);
  const page = await listMessages(deps, caller, eventId, {});
  await deps.delivery.connections.subscribe({
    connection_id: connectionId, event_id: eventId, user_id: caller.sub, auth_time: connection.auth_time,
    ...(connection.session_id ? { session_id: connection.session_id } : {}),
    subscribed_at: iso(deps.now()), expires_at: connection.expires_at,
  });
  return { type: 'subscribed', event_id: eventId, messages: page.items, next_cursor: page.next_cursor };
}

/**
 * `send {event_id, message, idempotency_key?}`: {@link sendChatMessage} for the connection's caller.
 * @returns `{type: "sent", event_id, message, repeated}` (`repeated`: the key was seen, nothing new was stored)
 * @throws DomainError as sendChatMessage, and 401 for an unknown or logged-out connection
 */
export async function sendFrom(deps: ChatSendDeps, connectionId: string, frame: { event_id: string; message: string; idempotency_key?: string }): Promise<Frame> {
  const { caller } = await connectionCaller(deps.delivery(), connectionId);
  const sent = await sendChatMessage(deps, caller, frame.event_id, frame.message, frame.idempotency_key);
  return { type: 'sent', event_id: frame.event_id, message: sent.message, repeated: sent.delivery === undefined };
}
