import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailed, DomainError, queryPage, transactWrite, updateExpression } from '@darkroom/runtime';
import { keys, LISTS, SocialTable, strip, userKey, type Page } from '../table';
import type { FriendRequest, Location, Profile } from './model';

/** Profiles, friendships and friend requests. Every method that changes two records does it in one transaction. */
export interface ProfilesRepository {
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
}

/** {@link ProfilesRepository} on the social table. */
export class DynamoProfilesRepository extends SocialTable implements ProfilesRepository {
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
      friendOfA: { Put: { TableName: this.table, Item: { ...keys.friend(a, b), friend: b, created_at: at } } },
      friendOfB: { Put: { TableName: this.table, Item: { ...keys.friend(b, a), friend: a, created_at: at } } },
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
}
