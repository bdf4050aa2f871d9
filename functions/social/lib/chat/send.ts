import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Caller } from '@darkroom/jwt';
import { DomainError, dynamoClient, loadConfig, logger } from '@darkroom/runtime';
import { postMessage } from './use-cases';
import type { SocialDeps } from '../deps';
import type { Message } from './model';
import { deliverMessage, deliveryDeps, type DeliveryDeps, type DeliveryReport } from './delivery';

/** An idempotency key: 1-128 visible ASCII characters (the `Idempotency-Key` header, or the frame's `idempotency_key`). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** How long a key is remembered: a resent message within this window is answered with the first one. */
export const IDEMPOTENCY_WINDOW_IN = 24 * 3600;

/** What sending a chat message needs: the social deps, delivery to sockets, and the idempotency store. */
export interface ChatSendDeps extends SocialDeps {
  delivery: () => DeliveryDeps;
  /** Runs `store` at most once per key within {@link IDEMPOTENCY_WINDOW_IN}; a repeat answers the first result. */
  once: (key: string, text: string, store: () => Promise<Message>) => Promise<Message>;
}

/**
 * Powertools idempotency on `IDEMPOTENCY_TABLE`: the record is keyed by the scoped key, and carries a hash
 * of the message text, so a key reused with another text is refused.
 * @throws ConfigError when IDEMPOTENCY_TABLE is missing
 */
export function powertoolsOnce(): ChatSendDeps['once'] {
  const { idempotencyTable } = loadConfig({ idempotencyTable: 'IDEMPOTENCY_TABLE' });
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: idempotencyTable, awsSdkV3Client: dynamoClient() });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'text', expiresAfterSeconds: IDEMPOTENCY_WINDOW_IN });
  const stored = makeIdempotent(
    async (input: { key: string; text: string; store: () => Promise<Message> }) => input.store(),
    { persistenceStore, config },
  );
  return async (key, text, store) => {
    try {
      return await stored({ key, text, store });
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) throw new DomainError(409, 'A message with this idempotency key is being stored: retry in a moment');
      if (error instanceof IdempotencyValidationError) throw new DomainError(422, 'This idempotency key was already used for another message');
      throw error;
    }
  };
}

/** The chat send dependencies of a handler, built once per cold start. */
export function chatSendDeps(social: SocialDeps): ChatSendDeps {
  let delivery: DeliveryDeps | undefined;
  let once: ChatSendDeps['once'] | undefined;
  return {
    ...social,
    delivery: () => (delivery ??= deliveryDeps(social.events)),
    once: (key, text, store) => (once ??= powertoolsOnce())(key, text, store),
  };
}

/** A sent message and what its delivery did (`undefined` for a repeat: the first send delivered it). */
export interface SentMessage { message: Message; delivery?: DeliveryReport }

/**
 * Sends a chat message, from `POST /chat/{eventId}/messages` or the socket's `send` alike: stores it as
 * {@link postMessage} does (same limits, record, membership rule), then pushes it to every connected
 * member ({@link deliverMessage}). With an idempotency key, a repeat (same caller, event and key) within
 * {@link IDEMPOTENCY_WINDOW_IN} stores and delivers nothing and answers the first message.
 * A delivery failure never fails the send: the message is stored, members fetch it with GET.
 * @throws DomainError 400 blank message or malformed key; 403 non-member; 404 missing event;
 *   409 the same key in progress; 422 the key used for another text
 */
export async function sendChatMessage(deps: ChatSendDeps, caller: Caller, eventId: string, text: string, idempotencyKey?: string): Promise<SentMessage> {
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new DomainError(400, 'The idempotency key must be 1-128 visible ASCII characters');
  }
  let fresh = false;
  const store = async () => { const message = await postMessage(deps, caller, eventId, text); fresh = true; return message; };
  const message = idempotencyKey === undefined ? await store()
    : await deps.once(`chat:${caller.sub}:${eventId}:${idempotencyKey}`, text, store);
  if (!fresh) return { message };
  try {
    return { message, delivery: await deliverMessage(deps.delivery(), eventId, message) };
  } catch (error) {
    logger.error('chat delivery failed; the message is stored', error as Error);
    return { message, delivery: { delivered: 0, gone: 0, closed: 0 } };
  }
}
