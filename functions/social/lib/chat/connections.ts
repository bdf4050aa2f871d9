import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchDelete, queryAll, type QueryInput } from '@darkroom/runtime';

/**
 * API Gateway's longest WebSocket connection (2 hours, "Amazon API Gateway quotas"): a connection record
 * expires then, so DynamoDB's TTL clears the ones no `$disconnect` removed.
 */
export const CONNECTION_LIFETIME_IN = 2 * 3600;

/**
 * One open socket: who opened it and the session of the token that did (to refuse it once that session is
 * logged out). Key `{connection_id, sk: 'CONNECTION'}`; index `by_user` (user_id, connection_id).
 */
export interface Connection {
  connection_id: string;
  user_id: string;
  username: string;
  token_use: 'id' | 'access';
  /** `auth_time` of the token (epoch seconds), and its session (`origin_jti`/`event_id`). */
  auth_time: number;
  session_id?: string;
  connected_at: string;
  /** Epoch seconds (DynamoDB TTL). */
  expires_at: number;
}

/**
 * A connection's subscription to an event's chat: key `{connection_id, sk: 'EVENT#<event_id>'}`, index
 * `by_event` (event_id, connection_id). It repeats the connection's user and session, so a delivery
 * needs one query.
 */
export interface Subscription {
  connection_id: string;
  event_id: string;
  user_id: string;
  auth_time: number;
  session_id?: string;
  subscribed_at: string;
  expires_at: number;
}

const CONNECTION_SK = 'CONNECTION';
const subscriptionSk = (eventId: string) => `EVENT#${eventId}`;

/** The connections table: open sockets and what they subscribed to. */
export interface ConnectionRepository {
  put(connection: Connection): Promise<void>;
  get(connectionId: string): Promise<Connection | undefined>;
  subscribe(subscription: Subscription): Promise<void>;
  /** Subscriptions to `eventId`'s chat (every connection that should receive its messages). */
  ofEvent(eventId: string): Promise<Subscription[]>;
  /** Ids of `userId`'s connections. */
  ofUser(userId: string): Promise<string[]>;
  /** Deletes the connection and its subscriptions. Idempotent. */
  remove(connectionId: string): Promise<void>;
}

function strip<T>(item: Record<string, unknown>): T {
  const { sk: _sk, ...rest } = item;
  return rest as T;
}

/** {@link ConnectionRepository} on DynamoDB (`CONNECTIONS_TABLE`). */
export class DynamoConnectionRepository implements ConnectionRepository {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async put(connection: Connection) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...connection, sk: CONNECTION_SK } }));
  }

  async get(connectionId: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { connection_id: connectionId, sk: CONNECTION_SK } }));
    return Item ? strip<Connection>(Item) : undefined;
  }

  async subscribe(subscription: Subscription) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...subscription, sk: subscriptionSk(subscription.event_id) } }));
  }

  private queryAll(input: Pick<QueryInput, 'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeValues'>) {
    return queryAll<Record<string, unknown>>(this.db, { TableName: this.table, ...input });
  }

  async ofEvent(eventId: string) {
    const items = await this.queryAll({ IndexName: 'by_event', KeyConditionExpression: 'event_id = :e', ExpressionAttributeValues: { ':e': eventId } });
    return items.map((item) => strip<Subscription>(item));
  }

  async ofUser(userId: string) {
    const items = await this.queryAll({ IndexName: 'by_user', KeyConditionExpression: 'user_id = :u', ExpressionAttributeValues: { ':u': userId } });
    return [...new Set(items.map((item) => String(item.connection_id)))];
  }

  async remove(connectionId: string) {
    const items = await this.queryAll({ KeyConditionExpression: 'connection_id = :c', ExpressionAttributeValues: { ':c': connectionId } });
    await batchDelete(this.db, this.table, items.map((item) => ({ connection_id: item.connection_id, sk: item.sk })));
  }
}
