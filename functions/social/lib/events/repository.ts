import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, DomainError, queryPage, transactWrite, updateExpression } from '@darkroom/runtime';
import type { Location } from '../profiles/model';
import { BY_USER, eventKey, keys, LISTS, SocialTable, strip, userKey, type Page } from '../table';
import type { EventRecord, Member } from './model';

/** Events and their memberships (the owner's, the invitations). */
export interface EventsRepository {
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
}

/** {@link EventsRepository} on the social table. */
export class DynamoEventsRepository extends SocialTable implements EventsRepository {
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
}
