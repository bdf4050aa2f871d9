import {
  ApiGatewayManagementApiClient, DeleteConnectionCommand, GoneException, PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isRevoked, revocationKey, type Caller, type Revocation, type RevocationStore } from '@darkroom/jwt';
import { batchGet, connectionsApi, DomainError, dynamo, dynamoRevocationStore, loadConfig, logger, metrics, MetricUnit, type Frame } from '@darkroom/runtime';
import type { EventsRepository } from '../events/repository';
import type { Message } from './model';
import { DynamoConnectionRepository, type Connection, type ConnectionRepository, type Subscription } from './connections';

/** The JWT layer's revocation records, one user's or many users' at once. */
export interface Revocations extends Pick<RevocationStore, 'revocation'> {
  /** @returns each user's revocation in force (undefined when none), by user */
  revocations(subs: string[]): Promise<Map<string, Revocation | undefined>>;
}

/**
 * {@link Revocations} on the auth table: one user's through the runtime's store, many users' with
 * BatchGetItem (at most 100 keys a request, DynamoDB API reference), read as the store reads them.
 */
export function tableRevocations(doc: DynamoDBDocumentClient, table: string): Revocations {
  const store = dynamoRevocationStore(doc, table);
  return {
    revocation: (sub) => store.revocation(sub),
    async revocations(subs) {
      const found = new Map<string, Revocation | undefined>(subs.map((sub) => [sub, undefined]));
      const now = Date.now() / 1000;
      const items = await batchGet<Record<string, unknown>>(doc, table, subs.map(revocationKey));
      for (const item of items) {
        // DynamoDB TTL deletes lazily: an expired record is no revocation.
        if (typeof item.expires_at === 'number' && item.expires_at < now) continue;
        found.set(String(item.pk).replace(/^USER#/, ''), { before: Number(item.revoked_before), admitted: Array.isArray(item.admitted) ? item.admitted.map(String) : [] });
      }
      return found;
    },
  };
}

/** What pushing to sockets needs: the connections table, the `@connections` API, and who may still receive. */
export interface DeliveryDeps {
  connections: ConnectionRepository;
  /** The WebSocket API's management endpoint client (PostToConnection, DeleteConnection). */
  management: ApiGatewayManagementApiClient;
  revocations: Revocations;
  social: Pick<EventsRepository, 'getEvent'>;
}

let shared: Omit<DeliveryDeps, 'social'> | undefined;

/**
 * The delivery dependencies, built once per cold start from `CONNECTIONS_TABLE`,
 * `CHAT_WEBSOCKET_ENDPOINT` (the stage's `https://<api>.execute-api.<region>.amazonaws.com/<stage>`, or
 * the local gateway's) and the JWT layer's revocation store (`AUTH_TABLE`).
 * @throws ConfigError when a variable is missing
 */
export function deliveryDeps(social: DeliveryDeps['social']): DeliveryDeps {
  if (!shared) {
    const { table, endpoint, authTable } = loadConfig({ table: 'CONNECTIONS_TABLE', endpoint: 'CHAT_WEBSOCKET_ENDPOINT', authTable: 'AUTH_TABLE' });
    shared = {
      connections: new DynamoConnectionRepository(dynamo(), table),
      management: connectionsApi(endpoint),
      revocations: tableRevocations(dynamo(), authTable),
    };
  }
  return { ...shared, social };
}

/** True when the error is API Gateway's 410 for a connection that is gone. */
const isGone = (error: unknown) => error instanceof GoneException || (error as { name?: string }).name === 'GoneException'
  || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410;

/**
 * Closes a connection (DeleteConnection; one already gone is fine) and deletes its records.
 */
export async function closeConnection(deps: Pick<DeliveryDeps, 'connections' | 'management'>, connectionId: string): Promise<void> {
  try {
    await deps.management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (error) {
    if (!isGone(error)) throw error;
  }
  await deps.connections.remove(connectionId);
}

/**
 * Sends one frame to one connection.
 * @returns false when the connection is gone (its records are deleted then)
 */
export async function pushFrame(deps: Pick<DeliveryDeps, 'connections' | 'management'>, connectionId: string, frame: Frame): Promise<boolean> {
  try {
    await deps.management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(frame)) }));
    return true;
  } catch (error) {
    if (!isGone(error)) throw error;
    await deps.connections.remove(connectionId);
    metrics.addMetric('ChatStaleConnections', MetricUnit.Count, 1);
    return false;
  }
}

/** What a delivery did: frames sent, stale connections deleted, connections closed because their user may no longer read. */
export interface DeliveryReport { delivered: number; gone: number; closed: number }

/**
 * Pushes a stored message as a `message` frame to every connection subscribed to its event, at once.
 * A connection whose user is no longer a member (removed, or declined) or whose session was logged out
 * ({@link isRevoked}) receives nothing and is closed; a GoneException deletes the stale connection.
 * A failure to reach one connection is logged and does not stop the others.
 */
export async function deliverMessage(deps: DeliveryDeps, eventId: string, message: Message): Promise<DeliveryReport> {
  const [subscriptions, found] = await Promise.all([deps.connections.ofEvent(eventId), deps.social.getEvent(eventId)]);
  const report: DeliveryReport = { delivered: 0, gone: 0, closed: 0 };
  if (!subscriptions.length) return report;
  const members = new Set((found?.members ?? []).filter((m) => m.status !== 'declined').map((m) => m.user));
  const users = [...new Set(subscriptions.map((s) => s.user_id))];
  const revocations = await deps.revocations.revocations(users);
  const frame: Frame = { type: 'message', event_id: eventId, message };
  await Promise.all(subscriptions.map(async (subscription: Subscription) => {
    try {
      const allowed = members.has(subscription.user_id)
        && !isRevoked({ authTime: subscription.auth_time, sessionId: subscription.session_id }, revocations.get(subscription.user_id));
      if (!allowed) {
        await closeConnection(deps, subscription.connection_id);
        report.closed += 1;
      } else if (await pushFrame(deps, subscription.connection_id, frame)) report.delivered += 1;
      else report.gone += 1;
    } catch (error) {
      logger.warn('chat delivery to a connection failed', { connectionId: subscription.connection_id, error: error as Error });
    }
  }));
  if (report.delivered) metrics.addMetric('ChatFramesDelivered', MetricUnit.Count, report.delivered);
  return report;
}

/** Closes every open socket of `userId` (after a logout). @returns how many */
export async function disconnectUser(deps: Pick<DeliveryDeps, 'connections' | 'management'>, userId: string): Promise<number> {
  const ids = await deps.connections.ofUser(userId);
  await Promise.all(ids.map((id) => closeConnection(deps, id)));
  return ids.length;
}

/** Closes the sockets of `userId` that subscribed to `eventId` (after they left or were removed). @returns how many */
export async function disconnectFromEvent(deps: Pick<DeliveryDeps, 'connections' | 'management'>, eventId: string, userId: string): Promise<number> {
  const ids = (await deps.connections.ofEvent(eventId)).filter((s) => s.user_id === userId).map((s) => s.connection_id);
  await Promise.all(ids.map((id) => closeConnection(deps, id)));
  return ids.length;
}

/**
 * The caller a connection speaks for, as the `$connect` token named it, checked again against the
 * user's revocation: a socket of a logged-out session is closed and refused.
 * @throws DomainError 401 for an unknown connection or a revoked session
 */
export async function connectionCaller(deps: Pick<DeliveryDeps, 'connections' | 'management' | 'revocations'>, connectionId: string): Promise<{ caller: Caller; connection: Connection }> {
  const connection = await deps.connections.get(connectionId);
  const refuse = (message: string) => new DomainError(401, message);
  if (!connection) throw refuse('This connection is not authenticated: connect again with a token');
  const revocation = await deps.revocations.revocation(connection.user_id);
  if (isRevoked({ authTime: connection.auth_time, sessionId: connection.session_id }, revocation)) {
    await closeConnection(deps, connectionId);
    throw refuse('Token has been revoked: log in again');
  }
  return {
    connection,
    caller: {
      sub: connection.user_id, username: connection.username, groups: [], tokenUse: connection.token_use,
      issuedAt: connection.auth_time, expiresAt: connection.expires_at, authTime: connection.auth_time,
      sessionId: connection.session_id, token: '',
    },
  };
}

/**
 * Runs a socket closing after a change that already happened (a logout, a removal): a failure is logged,
 * never the change's answer, since {@link deliverMessage} and {@link connectionCaller} refuse such sockets anyway.
 */
export async function closingAfter(what: string, close: () => Promise<number>): Promise<void> {
  try {
    await close();
  } catch (error) {
    logger.warn(`closing sockets after ${what} failed; they are refused at their next message`, { error: error as Error });
  }
}
