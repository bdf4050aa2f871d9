import {
  DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  batchGet, conditionFailed, DomainError, encodeCursor, queryAll, queryPage, transactWrite, updateExpression, type CursorPage, type QueryInput,
} from '@darkroom/runtime';
import type { EventRecord } from './events';

/** A user's social profile; `id` is their Cognito `sub`. */
export interface Profile {
  id: string;
  username: string;
  email: string;
  /** IANA zone: the default of the user's recurring events. */
  time_zone: string;
  created_at: string;
  location?: Location;
}

/** A last known position, WGS 84 degrees. */
export interface Location { latitude: number; longitude: number; updated_at: string }

/** A pending friend request `from` -> `to`. */
export interface FriendRequest { from: string; to: string; created_at: string }

/** One person's place in an event. The owner is `accepted` with role `owner`. */
export interface Member {
  event_id: string;
  user: string;
  role: 'owner' | 'guest';
  status: 'accepted' | 'invited' | 'declined';
  updated_at: string;
}

/** A chat message of an event. `id` sorts by time (see {@link messageId}). */
export interface Message { id: string; sender: string; message: string; timestamp: string }

/** A page of a list and the opaque cursor of the next page (null on the last). */
export type Page<T> = CursorPage<T>;

/**
 * The social table as the service uses it. {@link DynamoSocialRepository} is the implementation; every
 * method that changes two records does it in one transaction.
 */
export interface SocialRepository {
  getProfile(id: string): Promise<Profile | undefined>;
  /** @returns the stored profile: `profile` if new, else the existing one (unchanged). */
  createProfile(profile: Profile): Promise<{ profile: Profile; created: boolean }>;
  /** @throws DomainError 404 when the profile does not exist */
  setProfileLocation(id: string, location: Location): Promise<void>;
  areFriends(a: string, b: string): Promise<boolean>;
  /** Friend ids of `id`, in id order. @throws DomainError 400 for a cursor of another list */
  listFriends(id: string, limit: number, cursor?: string): Promise<Page<string>>;
  getRequest(to: string, from: string): Promise<FriendRequest | undefined>;
  /** Idempotent. */
  putRequest(request: FriendRequest): Promise<void>;
  /** Incoming pending requests of `to`, in sender id order. @throws DomainError 400 for a cursor of another list */
  listRequests(to: string, limit: number, cursor?: string): Promise<Page<FriendRequest>>;
  /** @throws DomainError 404 when there is no such request */
  deleteRequest(to: string, from: string): Promise<void>;
  /**
   * Makes `a` and `b` friends (both items) and deletes the pending requests between them, in one
   * transaction. With `consume`, that request must still exist.
   * @throws DomainError 409 when `consume` names a request that is gone (answered concurrently)
   */
  befriend(a: string, b: string, at: string, consume?: { to: string; from: string }): Promise<void>;
  /** @throws DomainError 404 when they are not friends */
  unfriend(a: string, b: string): Promise<void>;
  /** Writes the event and its owner's membership in one transaction. */
  createEvent(event: EventRecord, owner: Member): Promise<void>;
  /** The event (with `accepted` and `invited` from its memberships) and its members. */
  getEvent(id: string): Promise<{ event: EventRecord; members: Member[] } | undefined>;
  /** Several events by id (missing ones left out); `accepted`/`invited` are not filled. */
  getEvents(ids: string[]): Promise<EventRecord[]>;
  /** @throws DomainError 409 when one of them was invited concurrently (nothing is written) */
  addMembers(members: Member[]): Promise<void>;
  /** @throws DomainError 404 when `user` is not a member */
  setMemberStatus(eventId: string, user: string, status: Member['status'], at: string): Promise<void>;
  /** @throws DomainError 404 when `user` is not a member */
  removeMember(eventId: string, user: string): Promise<void>;
  /** Every membership of `user` (owned, invited, accepted, declined). */
  memberships(user: string): Promise<Member[]>;
  /** The memberships of `user` that are not declined, in event id order. @throws DomainError 400 for a cursor of another list */
  activeMemberships(user: string, limit: number, cursor?: string): Promise<Page<Member>>;
  /** @throws DomainError 404 when the event does not exist */
  setEventLocation(id: string, location: Location): Promise<void>;
  putMessage(eventId: string, message: Message): Promise<void>;
  /**
   * Newest first, after the cursor's position, or strictly older than `before` (a message id) when given.
   * @throws DomainError 400 for a cursor of another list
   */
  listMessages(eventId: string, limit: number, page: { cursor?: string; before?: string }): Promise<Page<Message>>;
}

const userKey = (id: string) => `USER#${id}`;
const eventKey = (id: string) => `EVENT#${id}`;
const keys = {
  profile: (id: string) => ({ pk: userKey(id), sk: 'PROFILE' }),
  friend: (a: string, b: string) => ({ pk: userKey(a), sk: `FRIEND#${b}` }),
  request: (to: string, from: string) => ({ pk: userKey(to), sk: `REQUEST#${from}` }),
  event: (id: string) => ({ pk: eventKey(id), sk: 'EVENT' }),
  member: (eventId: string, user: string) => ({ pk: eventKey(eventId), sk: `MEMBER#${user}` }),
  message: (eventId: string, id: string) => ({ pk: eventKey(eventId), sk: `MSG#${id}` }),
};
const BY_USER = 'by_user';

/**
 * A message id that sorts by time: 9 base-36 digits of epoch ms, then 8 random hex digits.
 * @param now - epoch ms
 */
export function messageId(now: number, random: string): string {
  return `${now.toString(36).padStart(9, '0')}${random.slice(0, 8)}`;
}

/** The lists of the social service, each a cursor scope with the id of its partition. */
const LISTS = {
  friends: (user: string) => ({ list: 'social.friends', partition: user }),
  requests: (user: string) => ({ list: 'social.friend_requests', partition: user }),
  events: (user: string) => ({ list: 'social.user_events', partition: user }),
  messages: (eventId: string) => ({ list: 'social.messages', partition: eventId }),
};

/** Strips the table's key attributes off an item. */
function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, ...rest } = item;
  return rest as T;
}

/** {@link SocialRepository} on the DynamoDB `social` table (pk/sk strings, GSI `by_user` on gsi1pk/gsi1sk). */
export class DynamoSocialRepository implements SocialRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  private async get<T>(key: Record<string, string>): Promise<T | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Item ? strip<T>(Item) : undefined;
  }

  private queryAll(input: Omit<QueryInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, { TableName: this.table, ...input });
  }

  /**
   * Runs a conditional write; a failed condition (of the transaction action named `action`, when
   * given) becomes `onFailure`. A throttle or a conflict with another transaction is a 503.
   */
  private async guarded(write: () => Promise<unknown>, onFailure: () => DomainError, action?: string): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (conditionFailed(error, action)) throw onFailure();
      throw error;
    }
  }

  getProfile(id: string) { return this.get<Profile>(keys.profile(id)); }

  async createProfile(profile: Profile) {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.table, Item: { ...keys.profile(profile.id), ...profile }, ConditionExpression: 'attribute_not_exists(pk)',
      }));
      return { profile, created: true };
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      return { profile: (await this.getProfile(profile.id))!, created: false };
    }
  }

  setProfileLocation(id: string, location: Location) {
    return this.guarded(() => this.doc.send(new UpdateCommand({
      TableName: this.table, Key: keys.profile(id), ConditionExpression: 'attribute_exists(pk)', ...updateExpression({ set: { location } }),
    })), () => new DomainError(404, 'No such user'));
  }

  async areFriends(a: string, b: string) { return (await this.get(keys.friend(a, b))) !== undefined; }

  async listFriends(id: string, limit: number, cursor?: string) {
    const page = await queryPage(this.doc, {
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userKey(id), ':prefix': 'FRIEND#' }, ConsistentRead: true,
    }, { scope: LISTS.friends(id), limit, cursor });
    return { items: page.items.map((item) => String(item.friend)), next_cursor: page.next_cursor };
  }

  getRequest(to: string, from: string) { return this.get<FriendRequest>(keys.request(to, from)); }

  async putRequest(request: FriendRequest) {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.table, Item: { ...keys.request(request.to, request.from), ...request },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
    } catch (error) {
      // Already pending: keep the first request's time.
      if (!conditionFailed(error)) throw error;
    }
  }

  async listRequests(to: string, limit: number, cursor?: string) {
    const page = await queryPage(this.doc, {
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userKey(to), ':prefix': 'REQUEST#' }, ConsistentRead: true,
    }, { scope: LISTS.requests(to), limit, cursor });
    return { items: page.items.map((item) => strip<FriendRequest>(item)), next_cursor: page.next_cursor };
  }

  deleteRequest(to: string, from: string) {
    return this.guarded(() => this.doc.send(new DeleteCommand({
      TableName: this.table, Key: keys.request(to, from), ConditionExpression: 'attribute_exists(pk)',
    })), () => new DomainError(404, 'No such friend request'));
  }

  befriend(a: string, b: string, at: string, consume?: { to: string; from: string }) {
    const request = (to: string, from: string) => ({
      Delete: {
        TableName: this.table, Key: keys.request(to, from),
        ...(consume && consume.to === to && consume.from === from ? { ConditionExpression: 'attribute_exists(pk)' } : {}),
      },
    });
    return this.guarded(() => transactWrite(this.doc, {
      friendOfA: { Put: { TableName: this.table, Item: { ...keys.friend(a, b), friend: b, since: at } } },
      friendOfB: { Put: { TableName: this.table, Item: { ...keys.friend(b, a), friend: a, since: at } } },
      requestToA: request(a, b),
      requestToB: request(b, a),
    }), () => new DomainError(409, 'The friend request was answered meanwhile'));
  }

  unfriend(a: string, b: string) {
    return this.guarded(() => transactWrite(this.doc, {
      friendOfA: { Delete: { TableName: this.table, Key: keys.friend(a, b), ConditionExpression: 'attribute_exists(pk)' } },
      friendOfB: { Delete: { TableName: this.table, Key: keys.friend(b, a) } },
    }), () => new DomainError(404, 'Not friends'), 'friendOfA');
  }

  private memberItem(member: Member) {
    return { ...keys.member(member.event_id, member.user), gsi1pk: userKey(member.user), gsi1sk: eventKey(member.event_id), ...member };
  }

  createEvent(event: EventRecord, owner: Member) {
    const { accepted: _accepted, invited: _invited, ...stored } = event;
    return this.guarded(() => transactWrite(this.doc, {
      event: { Put: { TableName: this.table, Item: { ...keys.event(event.id), ...stored }, ConditionExpression: 'attribute_not_exists(pk)' } },
      owner: { Put: { TableName: this.table, Item: this.memberItem(owner) } },
    }), () => new DomainError(409, 'Event id already taken'), 'event');
  }

  async getEvent(id: string) {
    // The event item ('EVENT') and its memberships ('MEMBER#...') sort together, before the chat ('MSG#...').
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': eventKey(id), ':first': 'EVENT', ':last': 'MEMBER#\uffff' }, ConsistentRead: true,
    });
    const eventItem = items.find((item) => item.sk === 'EVENT');
    if (!eventItem) return undefined;
    const members = items.filter((item) => String(item.sk).startsWith('MEMBER#')).map((item) => strip<Member>(item));
    const event = strip<EventRecord>(eventItem);
    event.accepted = members.filter((m) => m.status === 'accepted').map((m) => m.user);
    event.invited = members.filter((m) => m.status === 'invited').map((m) => m.user);
    return { event, members };
  }

  async getEvents(ids: string[]) {
    const items = await batchGet(this.doc, this.table, [...new Set(ids)].map((id) => keys.event(id)));
    return items.map((item) => ({ ...strip<EventRecord>(item), accepted: [], invited: [] }));
  }

  addMembers(members: Member[]) {
    return this.guarded(() => transactWrite(this.doc, [
      ['event', { ConditionCheck: { TableName: this.table, Key: keys.event(members[0]!.event_id), ConditionExpression: 'attribute_exists(pk)' } }],
      ...members.map((member) => [`member:${member.user}`, {
        Put: { TableName: this.table, Item: this.memberItem(member), ConditionExpression: 'attribute_not_exists(pk)' },
      }] as const),
    ]), () => new DomainError(409, 'The event or its members changed meanwhile: try again'));
  }

  setMemberStatus(eventId: string, user: string, status: Member['status'], at: string) {
    return this.guarded(() => this.doc.send(new UpdateCommand({
      TableName: this.table, Key: keys.member(eventId, user), ConditionExpression: 'attribute_exists(pk)',
      ...updateExpression({ set: { status, updated_at: at } }),
    })), () => new DomainError(404, 'Not invited to this event'));
  }

  removeMember(eventId: string, user: string) {
    return this.guarded(() => this.doc.send(new DeleteCommand({
      TableName: this.table, Key: keys.member(eventId, user), ConditionExpression: 'attribute_exists(pk)',
    })), () => new DomainError(404, 'Not a member of this event'));
  }

  async memberships(user: string) {
    const items = await this.queryAll({
      IndexName: BY_USER, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': userKey(user) },
    });
    return items.map((item) => strip<Member>(item));
  }

  async activeMemberships(user: string, limit: number, cursor?: string) {
    const page = await queryPage(this.doc, {
      TableName: this.table, IndexName: BY_USER, KeyConditionExpression: 'gsi1pk = :pk', FilterExpression: '#status <> :declined',
      ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':pk': userKey(user), ':declined': 'declined' },
    }, { scope: LISTS.events(user), limit, cursor, keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'] });
    return { items: page.items.map((item) => strip<Member>(item)), next_cursor: page.next_cursor };
  }

  setEventLocation(id: string, location: Location) {
    return this.guarded(() => this.doc.send(new UpdateCommand({
      TableName: this.table, Key: keys.event(id), ConditionExpression: 'attribute_exists(pk)', ...updateExpression({ set: { location } }),
    })), () => new DomainError(404, 'No such event'));
  }

  putMessage(eventId: string, message: Message) {
    return this.guarded(() => this.doc.send(new PutCommand({
      TableName: this.table, Item: { ...keys.message(eventId, message.id), ...message }, ConditionExpression: 'attribute_not_exists(pk)',
    })), () => new DomainError(409, 'Message id already taken: send it again'));
  }

  async listMessages(eventId: string, limit: number, page: { cursor?: string; before?: string }) {
    const scope = LISTS.messages(eventId);
    // `before` (a message id) resumes strictly after that message's key, as a cursor of this list would.
    const cursor = page.cursor || (page.before ? encodeCursor(scope, keys.message(eventId, page.before)) : undefined);
    const found = await queryPage(this.doc, {
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :first)',
      ExpressionAttributeValues: { ':pk': eventKey(eventId), ':first': 'MSG#' }, ScanIndexForward: false, ConsistentRead: true,
    }, { scope, limit, cursor });
    return { items: found.items.map((item) => strip<Message>(item)), next_cursor: found.next_cursor };
  }


}
