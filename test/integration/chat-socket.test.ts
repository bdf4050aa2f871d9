/**
 * The chat's WebSocket API through the local stack (scripts/local/websocket-gateway.ts doing API Gateway's
 * job, the real functions, DynamoDB Local): authentication of the handshake, membership, delivery of
 * messages sent over REST and over the socket, idempotency, GoneException cleanup, and sockets closed on
 * removal and logout.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { api, clients, stack, waitFor } from '../support/stack';
import { chatCast, memberSocket, messagesOf, openSocket, type ChatCast, type ChatSocket } from '../support/chat';

let cast: ChatCast;
const sockets: ChatSocket[] = [];
const table = () => stack().resources['table:connections']!;
const recordsOf = async (connectionId: string) => (await clients().dynamo.send(new QueryCommand({
  TableName: table(), KeyConditionExpression: 'connection_id = :c', ExpressionAttributeValues: { ':c': connectionId },
}))).Items ?? [];
const history = async (eventId: string, token: string) => (await api(`/chat/${eventId}/messages`, { token })).body.response as Array<{ id: string; message: string }>;
const connectionsOf = async (user: string) => [...new Set(((await clients().dynamo.send(new QueryCommand({
  TableName: table(), IndexName: 'by_user', KeyConditionExpression: 'user_id = :u', ExpressionAttributeValues: { ':u': user },
}))).Items ?? []).map((item) => String(item.connection_id)))];
const track = (chat: ChatSocket) => { sockets.push(chat); return chat; };

beforeAll(async () => {
  cast = await chatCast();
});

afterAll(() => {
  for (const chat of sockets) chat.socket.terminate();
});

describe('$connect', () => {
  it('refuses a handshake without a token, or with a forged one, with 401', async () => {
    await expect(openSocket()).rejects.toThrow('refused 401');
    await expect(openSocket({ query: { token: 'not.a.jwt' } })).rejects.toThrow('refused 401');
    await expect(openSocket({ protocols: [`${cast.member.idToken.slice(0, -4)}AAAA`] })).rejects.toThrow('refused 401');
  });

  it('takes the token as a subprotocol entry (and answers the other entry), a token query parameter, or Authorization', async () => {
    const byProtocol = track(await openSocket({ protocols: ['darkroom-chat', cast.member.idToken] }));
    expect(byProtocol.socket.protocol).toBe('darkroom-chat');
    const byQuery = track(await openSocket({ query: { token: cast.member.accessToken } }));
    const byHeader = track(await openSocket({ headers: { authorization: `Bearer ${cast.member.idToken}` } }));
    for (const chat of [byProtocol, byQuery, byHeader]) {
      chat.send({ action: 'subscribe', event_id: cast.eventId });
      expect(await chat.next((f) => f.type !== undefined)).toMatchObject({ type: 'subscribed', event_id: cast.eventId, messages: expect.any(Array) });
    }
  });

  it('refuses a non-member connecting to an event (403), and a missing event (404)', async () => {
    await expect(openSocket({ protocols: ['darkroom-chat', cast.stranger.idToken], query: { event_id: cast.eventId } })).rejects.toThrow('refused 403');
    await expect(openSocket({ protocols: ['darkroom-chat', cast.member.idToken], query: { event_id: 'no-such-event' } })).rejects.toThrow('refused 404');
    const member = track(await openSocket({ protocols: ['darkroom-chat', cast.member.idToken], query: { event_id: cast.eventId } }));
    const sent = await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'subscribed at connect' } });
    expect((await member.next((f) => f.type === 'message' && f.message.id === sent.body.response.id)).message).toEqual(sent.body.response);
  });
});

describe('routes', () => {
  it('answers unknown actions, frames that are not JSON and invalid frames with an error frame, keeping the socket open', async () => {
    const chat = track(await openSocket({ protocols: ['darkroom-chat', cast.member.idToken] }));
    chat.send({ action: 'fly' });
    expect(await chat.next((f) => f.type === 'error')).toMatchObject({ status: 400, action: 'fly', message: expect.stringContaining('Unknown action "fly"') });
    chat.send('hello?');
    expect(await chat.next((f) => f.type === 'error' && f.action === undefined)).toEqual({ type: 'error', status: 400, message: 'The frame is not valid JSON' });
    chat.send({ action: 'send', event_id: cast.eventId, message: 'x'.repeat(2001) });
    expect(await chat.next((f) => f.type === 'error' && f.action === 'send')).toMatchObject({ status: 400, message: expect.stringContaining('message') });
    chat.send({ action: 'subscribe', event_id: cast.eventId });
    expect(await chat.next((f) => f.type === 'subscribed')).toMatchObject({ event_id: cast.eventId });
  });

  it('lets only members subscribe or send (403), storing nothing for a stranger', async () => {
    const stranger = track(await openSocket({ protocols: ['darkroom-chat', cast.stranger.idToken] }));
    stranger.send({ action: 'subscribe', event_id: cast.eventId });
    expect(await stranger.next((f) => f.type === 'error' && f.action === 'subscribe')).toMatchObject({ status: 403 });
    const before = await history(cast.eventId, cast.owner.idToken);
    stranger.send({ action: 'send', event_id: cast.eventId, message: 'let me in' });
    expect(await stranger.next((f) => f.type === 'error' && f.action === 'send')).toMatchObject({ status: 403 });
    expect(await history(cast.eventId, cast.owner.idToken)).toEqual(before);
  });
});

describe('delivery', () => {
  it('pushes a message sent over REST to every connected member, and one sent over the socket too, stored as REST stores it', async () => {
    const [owner, member] = [track(await memberSocket(cast.owner, cast.eventId)), track(await memberSocket(cast.member, cast.eventId))];
    const rest = await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'over REST' } });
    expect(rest.status).toBe(201);
    for (const chat of [owner, member]) {
      expect((await chat.next((f) => f.type === 'message' && f.message.id === rest.body.response.id)).message).toEqual(rest.body.response);
    }
    member.send({ action: 'send', event_id: cast.eventId, message: 'over the socket' });
    const sent = await member.next((f) => f.type === 'sent');
    expect(sent).toMatchObject({ event_id: cast.eventId, repeated: false, message: { sender: cast.member.sub, message: 'over the socket', id: expect.any(String), sent_at: expect.any(String) } });
    expect((await owner.next((f) => f.type === 'message' && f.message.id === sent.message.id)).message).toEqual(sent.message);
    // The same record GET /chat returns.
    expect((await history(cast.eventId, cast.owner.idToken)).slice(0, 2)).toEqual([sent.message, rest.body.response]);
  });

  it('stores and delivers a message once per idempotency key, over the socket and over REST; a key reused for another text is 422', async () => {
    const [owner, member] = [track(await memberSocket(cast.owner, cast.eventId)), track(await memberSocket(cast.member, cast.eventId))];
    member.send({ action: 'send', event_id: cast.eventId, message: 'once', idempotency_key: 'socket-key-1' });
    const first = await member.next((f) => f.type === 'sent');
    member.send({ action: 'send', event_id: cast.eventId, message: 'once', idempotency_key: 'socket-key-1' });
    const second = await member.next((f) => f.type === 'sent' && f !== first);
    expect(second).toMatchObject({ repeated: true, message: first.message });
    expect(first.repeated).toBe(false);

    const headers = { 'idempotency-key': 'rest-key-1' };
    const a = await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'twice over REST' }, headers });
    const b = await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'twice over REST' }, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.response).toEqual(a.body.response);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'another text' }, headers }))
      .toMatchObject({ status: 422, body: { response: null, message: 'This Idempotency-Key was used with another request body' } });

    // A marker sent after the repeats arrives after any frame they could have pushed.
    const marker = await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'marker' } });
    await owner.next((f) => f.type === 'message' && f.message.id === marker.body.response.id);
    const received = messagesOf(owner, cast.eventId).map((m) => m.id);
    expect(received.filter((id) => id === first.message.id)).toHaveLength(1);
    expect(received.filter((id) => id === a.body.response.id)).toHaveLength(1);
    const stored = (await history(cast.eventId, cast.owner.idToken)).map((m) => m.message);
    expect(stored.filter((text) => text === 'once')).toHaveLength(1);
    expect(stored.filter((text) => text === 'twice over REST')).toHaveLength(1);
  });

  it('deletes a connection API Gateway reports gone (GoneException) when a message is pushed to it', async () => {
    const stale = 'StaleConnId0=';
    const at = Math.floor(Date.now() / 1000);
    for (const item of [
      { connection_id: stale, sk: 'CONNECTION', user_id: cast.member.sub, username: cast.member.username, token_use: 'id', auth_time: at, connected_at: new Date().toISOString(), expires_at: at + 7200 },
      { connection_id: stale, sk: `EVENT#${cast.eventId}`, event_id: cast.eventId, user_id: cast.member.sub, auth_time: at, subscribed_at: new Date().toISOString(), expires_at: at + 7200 },
    ]) await clients().dynamo.send(new PutCommand({ TableName: table(), Item: item }));
    expect(await recordsOf(stale)).toHaveLength(2);
    const owner = track(await memberSocket(cast.owner, cast.eventId));
    const sent = await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'anyone there?' } });
    await owner.next((f) => f.type === 'message' && f.message.id === sent.body.response.id);
    expect(await waitFor(async () => (await recordsOf(stale)).length === 0, { what: 'the stale connection deleted' })).toBe(true);
  });

  it('deletes the records of a socket that closes ($disconnect)', async () => {
    const local = await chatCast();
    const chat = await memberSocket(local.member, local.eventId);
    const [id] = await connectionsOf(local.member.sub);
    expect(await recordsOf(id!)).toHaveLength(2);
    chat.socket.close();
    await chat.closed;
    await waitFor(async () => (await recordsOf(id!)).length === 0, { what: 'the closed connection deleted' });
    expect(await connectionsOf(local.member.sub)).toEqual([]);
  });
});

describe('leaving the chat', () => {
  it('closes the socket of a member removed from the event, who receives nothing more', async () => {
    const local = await chatCast();
    const [owner, member] = [track(await memberSocket(local.owner, local.eventId)), track(await memberSocket(local.member, local.eventId))];
    expect((await api(`/event/${local.eventId}/people/${local.member.sub}`, { method: 'DELETE', token: local.owner.idToken })).status).toBe(200);
    expect(await member.closed).toBeGreaterThan(0);
    const after = await api(`/chat/${local.eventId}/messages`, { token: local.owner.idToken, body: { message: 'after the removal' } });
    await owner.next((f) => f.type === 'message' && f.message.id === after.body.response.id);
    expect(messagesOf(member, local.eventId)).toEqual([]);
    await expect(openSocket({ protocols: ['darkroom-chat', local.member.idToken], query: { event_id: local.eventId } })).rejects.toThrow('refused 403');
  });

  it('closes the sockets of a user who logs out; their tokens open no socket any more', async () => {
    const local = await chatCast();
    const [owner, member] = [track(await memberSocket(local.owner, local.eventId)), track(await memberSocket(local.member, local.eventId))];
    expect((await api(`/user/${local.member.sub}/logout`, { method: 'PUT', token: local.member.idToken })).body).toEqual({ response: 'success' });
    expect(await member.closed).toBeGreaterThan(0);
    const after = await api(`/chat/${local.eventId}/messages`, { token: local.owner.idToken, body: { message: 'after the logout' } });
    await owner.next((f) => f.type === 'message' && f.message.id === after.body.response.id);
    expect(messagesOf(member, local.eventId)).toEqual([]);
    await expect(openSocket({ protocols: ['darkroom-chat', local.member.idToken] })).rejects.toThrow('refused 401');
  });
});
