import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';
import type { Revocation } from '@darkroom/jwt';
import { sendChatMessage, type ChatSendDeps } from '../../../functions/social/lib/chat/send';
import type { Message } from '../../../functions/social/lib/chat/model';
import type { Member } from '../../../functions/social/lib/events/model';
import type { Connection, ConnectionRepository, Subscription } from '../../../functions/social/lib/chat/connections';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deliverMessage, disconnectUser, tableRevocations, type DeliveryDeps } from '../../../functions/social/lib/chat/delivery';

const management = mockClient(ApiGatewayManagementApiClient);

/** The connections table in memory. */
class MemoryConnections implements ConnectionRepository {
  connections = new Map<string, Connection>();
  subscriptions: Subscription[] = [];
  async put(connection: Connection) { this.connections.set(connection.connection_id, connection); }
  async get(id: string) { return this.connections.get(id); }
  async subscribe(subscription: Subscription) { this.subscriptions.push(subscription); }
  async ofEvent(eventId: string) { return this.subscriptions.filter((s) => s.event_id === eventId); }
  async ofUser(userId: string) { return [...this.connections.values()].filter((c) => c.user_id === userId).map((c) => c.connection_id); }
  async remove(id: string) { this.connections.delete(id); this.subscriptions = this.subscriptions.filter((s) => s.connection_id !== id); }
}

const member = (user: string, status: Member['status'] = 'accepted'): Member => ({ event_id: 'ev1', user, role: 'guest', status, updated_at: '' });
const message: Message = { id: '0abc', sender: 'ada', message: 'hi', sent_at: '2026-12-07T00:00:00.000Z' };
const subscription = (connection: string, user: string, authTime = 1000): Subscription =>
  ({ connection_id: connection, event_id: 'ev1', user_id: user, auth_time: authTime, subscribed_at: '', expires_at: 9e9 });

function setup(members: Member[], revocations: Record<string, Revocation> = {}) {
  const connections = new MemoryConnections();
  const deps: DeliveryDeps = {
    connections,
    management: new ApiGatewayManagementApiClient({ endpoint: 'https://api.execute-api.us-east-1.amazonaws.com/live', region: 'us-east-1' }),
    revocations: {
      revocation: async (sub) => revocations[sub],
      revocations: async (subs) => new Map(subs.map((sub) => [sub, revocations[sub]])),
    },
    social: { getEvent: async () => ({ event: {} as never, members }) },
  };
  return { connections, deps };
}
const postedTo = () => management.commandCalls(PostToConnectionCommand).map((c) => c.args[0].input.ConnectionId);
const closed = () => management.commandCalls(DeleteConnectionCommand).map((c) => c.args[0].input.ConnectionId);

beforeEach(() => { management.reset(); management.on(PostToConnectionCommand).resolves({}); management.on(DeleteConnectionCommand).resolves({}); });

describe('deliverMessage', () => {
  it('pushes a message frame to every connection subscribed to the event, of every member', async () => {
    const { connections, deps } = setup([member('ada'), member('bob', 'invited')]);
    connections.subscriptions.push(subscription('c1', 'ada'), subscription('c2', 'bob'), subscription('c3', 'bob'), { ...subscription('c4', 'ada'), event_id: 'other' });
    expect(await deliverMessage(deps, 'ev1', message)).toEqual({ delivered: 3, gone: 0, closed: 0 });
    expect(postedTo().sort()).toEqual(['c1', 'c2', 'c3']);
    const data = management.commandCalls(PostToConnectionCommand)[0]!.args[0].input.Data as Uint8Array;
    expect(JSON.parse(Buffer.from(data).toString())).toEqual({ type: 'message', event_id: 'ev1', message });
  });

  it('closes, and sends nothing to, the connections of users who are no longer members or whose session was logged out', async () => {
    const { connections, deps } = setup([member('ada'), member('cy', 'declined'), member('bob')], { bob: { before: 2000, admitted: [] } });
    connections.subscriptions.push(subscription('ada1', 'ada'), subscription('cy1', 'cy'), subscription('gone1', 'dan'), subscription('bob-old', 'bob', 1000), subscription('bob-new', 'bob', 3000));
    expect(await deliverMessage(deps, 'ev1', message)).toEqual({ delivered: 2, gone: 0, closed: 3 });
    expect(postedTo().sort()).toEqual(['ada1', 'bob-new']);
    expect(closed().sort()).toEqual(['bob-old', 'cy1', 'gone1']);
    expect(connections.subscriptions.map((s) => s.connection_id).sort()).toEqual(['ada1', 'bob-new']);
  });

  it('deletes a connection API Gateway reports gone (GoneException), and still reaches the others when one fails', async () => {
    const { connections, deps } = setup([member('ada'), member('bob')]);
    connections.subscriptions.push(subscription('stale', 'ada'), subscription('broken', 'bob'), subscription('fine', 'bob'));
    management.on(PostToConnectionCommand, { ConnectionId: 'stale' }).rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));
    management.on(PostToConnectionCommand, { ConnectionId: 'broken' }).rejects(new Error('throttled'));
    expect(await deliverMessage(deps, 'ev1', message)).toEqual({ delivered: 1, gone: 1, closed: 0 });
    expect(connections.subscriptions.map((s) => s.connection_id).sort()).toEqual(['broken', 'fine']);
  });
});

describe('disconnectUser', () => {
  it('closes every connection of the user and deletes their records, a gone one included', async () => {
    const { connections, deps } = setup([]);
    for (const [id, user] of [['a1', 'ada'], ['a2', 'ada'], ['b1', 'bob']] as const) {
      await connections.put({ connection_id: id, user_id: user, username: user, token_use: 'id', auth_time: 1, connected_at: '', expires_at: 9e9 });
    }
    management.on(DeleteConnectionCommand, { ConnectionId: 'a2' }).rejects(new GoneException({ message: 'gone', $metadata: {} }));
    expect(await disconnectUser(deps, 'ada')).toBe(2);
    expect(closed().sort()).toEqual(['a1', 'a2']);
    expect([...connections.connections.keys()]).toEqual(['b1']);
  });
});

describe('sendChatMessage', () => {
  /** A social repository with one event whose members are ada and bob, and an in-memory idempotency store. */
  function chatDeps() {
    const stored: Message[] = [];
    const { connections, deps: delivery } = setup([member('ada'), member('bob')]);
    connections.subscriptions.push(subscription('b1', 'bob'));
    const seen = new Map<string, { text: string; result: Message }>();
    const deps = {
      profiles: {} as never,
      events: { getEvent: async () => ({ event: {}, members: [member('ada'), member('bob')] }) } as never,
      chat: { putMessage: async (_: string, m: Message) => { stored.push(m); } } as never,
      now: () => Date.parse('2026-12-07T10:00:00Z'),
      delivery: () => delivery,
      once: async (key, text, store) => {
        const known = seen.get(key);
        if (known) return known.result;
        const result = await store();
        seen.set(key, { text, result });
        return result;
      },
    } satisfies ChatSendDeps;
    return { deps, stored };
  }
  const ada = { sub: 'ada', username: 'ada', groups: [], tokenUse: 'id' as const, issuedAt: 0, expiresAt: 0, authTime: 0, token: '' };

  it('stores, then delivers; a repeat of one idempotency key answers the first message and delivers nothing', async () => {
    const { deps, stored } = chatDeps();
    const first = await sendChatMessage(deps, ada, 'ev1', 'hello', 'key-1');
    expect(first.delivery).toEqual({ delivered: 1, gone: 0, closed: 0 });
    const again = await sendChatMessage(deps, ada, 'ev1', 'hello', 'key-1');
    expect(again).toEqual({ message: first.message });
    expect(stored).toEqual([first.message]);
    expect(postedTo()).toEqual(['b1']);
    await sendChatMessage(deps, ada, 'ev1', 'hello');
    expect(stored).toHaveLength(2);
  });

  it('refuses a malformed idempotency key with 400, storing nothing', async () => {
    const { deps, stored } = chatDeps();
    await expect(sendChatMessage(deps, ada, 'ev1', 'hello', 'has space')).rejects.toMatchObject({ statusCode: 400 });
    await expect(sendChatMessage(deps, ada, 'ev1', 'hello', '')).rejects.toMatchObject({ statusCode: 400 });
    expect(stored).toEqual([]);
  });

  it('keeps the message when delivery fails: it is stored for members to fetch', async () => {
    const { deps, stored } = chatDeps();
    const failing = { ...deps, delivery: () => ({ ...deps.delivery(), connections: { ...deps.delivery().connections, ofEvent: async () => { throw new Error('table down'); } } }) };
    const sent = await sendChatMessage(failing as ChatSendDeps, ada, 'ev1', 'hello');
    expect(stored).toEqual([sent.message]);
    expect(sent.delivery).toEqual({ delivered: 0, gone: 0, closed: 0 });
  });
});

describe('tableRevocations', () => {
  it('reads many users\' revocations with BatchGetItem (100 keys a request, unprocessed keys retried), an expired record being none', async () => {
    const doc = mockClient(DynamoDBDocumentClient);
    const now = Math.floor(Date.now() / 1000);
    const users = Array.from({ length: 120 }, (_, i) => `u${i}`);
    doc.on(BatchGetCommand).callsFake((input) => {
      const keys = input.RequestItems.auth.Keys as Array<{ pk: string }>;
      const wanted = keys.map((k) => k.pk);
      const unprocessed: string[] = wanted.includes('USER#u5') && !wanted.includes('USER#u6') ? [] : wanted.filter((pk) => pk === 'USER#u5');
      const items: Array<{ pk: string; [k: string]: unknown }> = [
        { pk: 'USER#u5', sk: 'REVOKED', revoked_before: now, admitted: ['s1'], expires_at: now + 60 },
        { pk: 'USER#u7', sk: 'REVOKED', revoked_before: now - 100, admitted: [], expires_at: now - 1 },
        { pk: 'USER#u110', sk: 'REVOKED', revoked_before: now, admitted: [], expires_at: now + 60 },
      ].filter((item) => wanted.includes(item.pk) && !unprocessed.includes(item.pk));
      return { Responses: { auth: items }, UnprocessedKeys: unprocessed.length ? { auth: { Keys: unprocessed.map((pk) => ({ pk, sk: 'REVOKED' })) } } : {} };
    });
    const found = await tableRevocations(doc as never, 'auth').revocations(users);
    expect(doc.commandCalls(BatchGetCommand).map((c) => (c.args[0].input.RequestItems!.auth!.Keys ?? []).length)).toEqual([100, 1, 20]);
    expect(found.size).toBe(120);
    expect(found.get('u5')).toEqual({ before: now, admitted: ['s1'] });
    expect(found.get('u110')).toEqual({ before: now, admitted: [] });
    expect(found.get('u7')).toBeUndefined();
    expect(found.get('u1')).toBeUndefined();
  });
});
