import { randomBytes } from 'node:crypto';
import type { Caller } from '@darkroom/jwt';
import { DomainError, metrics, MetricUnit } from '@darkroom/runtime';
import type { SocialDeps } from '../deps';
import { LIMITS } from '../limits';
import { messageId, type Message } from './model';

/**
 * The chat's event, for one of its members (owner, invited or accepted; not who declined).
 * @throws DomainError 404 for a missing event; 403 for a non-member
 */
async function requireMember(deps: SocialDeps, caller: Caller, eventId: string): Promise<void> {
  const found = await deps.events.getEvent(eventId);
  if (!found) throw new DomainError(404, 'No such event');
  if (!found.members.some((m) => m.user === caller.sub && m.status !== 'declined')) {
    throw new DomainError(403, 'Only the event\'s members may read or write its chat');
  }
}

/**
 * `POST /chat/{eventId}/messages {message}`: stores a message (1-2,000 characters, not only whitespace)
 * for the event's members to fetch.
 * @throws DomainError 403 for a non-member; 404 for a missing event; 400 for a blank message
 */
export async function postMessage(deps: SocialDeps, caller: Caller, eventId: string, text: string): Promise<Message> {
  if (!text.trim()) throw new DomainError(400, 'message must not be blank');
  await requireMember(deps, caller, eventId);
  const now = deps.now();
  const message: Message = { id: messageId(now, randomBytes(4).toString('hex')), sender: caller.sub, message: text, sent_at: new Date(now).toISOString() };
  await deps.chat.putMessage(eventId, message);
  metrics.addMetric('ChatMessages', MetricUnit.Count, 1);
  return message;
}

/**
 * `GET /chat/{eventId}/messages?limit&cursor`: newest first, a page at a time; `before` (a message id)
 * also starts the page after that message.
 * @throws DomainError 403 for a non-member; 404 for a missing event; 400 for a cursor of another list
 */
export async function listMessages(deps: SocialDeps, caller: Caller, eventId: string, page: { limit?: number; cursor?: string; before?: string } = {}) {
  await requireMember(deps, caller, eventId);
  return deps.chat.listMessages(eventId, page.limit ?? LIMITS.messagesPage.default, page);
}
