import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionFailed, queryAll, type CursorPage, type DomainError, type QueryInput } from '@darkroom/runtime';

/**
 * The social table, which the three aggregates (profiles and friends, events and invitations, chat)
 * share: pk/sk strings, GSI `by_user` on gsi1pk/gsi1sk. Profiles `USER#<sub>/PROFILE`, friends
 * `USER#<a>/FRIEND#<b>` (two items, one transaction), pending requests `USER#<to>/REQUEST#<from>`, events
 * `EVENT#<id>/EVENT`, memberships `EVENT#<id>/MEMBER#<sub>` (by_user: `USER#<sub>/EVENT#<id>`), chat
 * `EVENT#<id>/MSG#<message id>`.
 */
export const userKey = (id: string) => `USER#${id}`;
export const eventKey = (id: string) => `EVENT#${id}`;
export const keys = {
  profile: (id: string) => ({ pk: userKey(id), sk: 'PROFILE' }),
  friend: (a: string, b: string) => ({ pk: userKey(a), sk: `FRIEND#${b}` }),
  request: (to: string, from: string) => ({ pk: userKey(to), sk: `REQUEST#${from}` }),
  event: (id: string) => ({ pk: eventKey(id), sk: 'EVENT' }),
  member: (eventId: string, user: string) => ({ pk: eventKey(eventId), sk: `MEMBER#${user}` }),
  message: (eventId: string, id: string) => ({ pk: eventKey(eventId), sk: `MSG#${id}` }),
};
export const BY_USER = 'by_user';

/** The lists of the social service, each a cursor scope with the id of its partition. */
export const LISTS = {
  friends: (user: string) => ({ list: 'social.friends', partition: user }),
  requests: (user: string) => ({ list: 'social.friend_requests', partition: user }),
  events: (user: string) => ({ list: 'social.user_events', partition: user }),
  messages: (eventId: string) => ({ list: 'social.messages', partition: eventId }),
};

/** A page of a list and the opaque cursor of the next page (null on the last). */
export type Page<T> = CursorPage<T>;

/** Strips the table's key attributes off an item. */
export function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, ...rest } = item;
  return rest as T;
}

/** What every repository of the social table shares: the client, the table name and the guarded write. */
export abstract class SocialTable {
  constructor(protected readonly doc: DynamoDBDocumentClient, protected readonly table: string) {}

  protected async get<T>(key: Record<string, string>): Promise<T | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Item ? strip<T>(Item) : undefined;
  }

  protected queryAll(input: Omit<QueryInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, { TableName: this.table, ...input });
  }

  /**
   * Runs a conditional write; a failed condition (of the transaction action named `action`, when
   * given) becomes `onFailure`. A throttle or a conflict with another transaction is a 503.
   */
  protected async guarded(write: () => Promise<unknown>, onFailure: () => DomainError, action?: string): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (conditionFailed(error, action)) throw onFailure();
      throw error;
    }
  }
}
