import { AdminUserGlobalSignOutCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { RouteContract } from '@darkroom/runtime';
import { createAjv } from '../../../layers/runtime/src/schema-compile';
import { httpEvent, lambdaContext } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';
import { memoryTable } from './table';

const table = memoryTable();
const cognito = mockClient(CognitoIdentityProviderClient);
let issuer: TestIssuer;
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
const handlers: Record<string, Handler> = {};
const contracts: Record<string, RouteContract> = {};
const ajv = createAjv({ useDefaults: false });
const FOLDERS = [
  'create_user', 'get_user', 'get_schedule', 'set_user_location', 'friend_request', 'list_friend_requests', 'accept_friend_request',
  'decline_friend_request', 'list_friends', 'remove_friend', 'list_user_events', 'user_free_slots', 'logout', 'create_event', 'get_event',
  'invite_people', 'answer_invitation', 'remove_person', 'set_event_location', 'event_locations', 'event_free_slots', 'post_message', 'list_messages',
];

beforeAll(async () => {
  issuer = await startTestIssuer();
  process.env.JWT_ISSUER = issuer.issuer;
  process.env.JWKS_URI = issuer.jwksUri;
  for (const folder of FOLDERS) {
    handlers[folder] = (await import(`../../../functions/social/${folder}/handler`)).handler as Handler;
    contracts[folder] = (await import(`../../../functions/social/${folder}/schema`)).contract as RouteContract;
  }
});
afterAll(() => issuer.close());
beforeEach(() => { table.reset(); cognito.reset(); cognito.on(AdminUserGlobalSignOutCommand).resolves({}); });

interface Call { as?: string; token?: string; method?: string; body?: unknown; path?: Record<string, string>; query?: Record<string, string> }
async function call(folder: string, options: Call = {}) {
  const token = options.token ?? (options.as ? issuer.idToken(options.as) : undefined);
  const method = options.method ?? (['get_user', 'get_schedule', 'list_friend_requests', 'list_friends', 'list_user_events', 'user_free_slots', 'get_event', 'event_locations', 'event_free_slots', 'list_messages'].includes(folder) ? 'GET' : folder.startsWith('remove') ? 'DELETE' : 'POST');
  const response = await handlers[folder]!(httpEvent({ method, token, body: options.body, pathParameters: options.path, query: options.query }), lambdaContext());
  const body = JSON.parse(response.body);
  if (response.statusCode < 300) {
    // Every success is one the route's contract documents, with the body it documents.
    const documented = (contracts[folder]!.responses as Record<number, { body?: object }>)[response.statusCode];
    expect([folder, response.statusCode, Boolean(documented)]).toEqual([folder, response.statusCode, true]);
    const validate = ajv.compile(documented!.body!);
    if (!validate(body.response)) throw new Error(`${folder} ${response.statusCode} breaks its contract: ${ajv.errorsText(validate.errors)}`);
  }
  return { status: response.statusCode, body, headers: response.headers };
}
const profile = (sub: string, extra: Record<string, unknown> = {}) => call('create_user', { as: sub, body: { email: `${sub}@example.com`, username: `name-${sub}`, ...extra } });
async function friends(a: string, b: string) {
  await call('friend_request', { as: a, path: { id: b }, body: { from: a } });
  await call('friend_request', { as: b, path: { id: a }, body: { from: b } });
}
/** Expects a refusal in the social envelope and an unchanged table. */
async function refused(folder: string, options: Call, status: number, message: RegExp) {
  const before = table.snapshot();
  const response = await call(folder, options);
  expect([response.status, response.body.response]).toEqual([status, null]);
  expect(response.body.message).toMatch(message);
  expect(table.snapshot()).toBe(before);
}
const now = () => Math.floor(Date.now() / 1000);
const single = (owner: string, startIn: number, length = 3600, extra: Record<string, unknown> = {}) =>
  call('create_event', { as: owner, body: { name: 'dinner', start_time: now() + startIn, end_time: now() + startIn + length, single_event: true, owner, ...extra } });

describe('POST /user', () => {
  it('creates the caller\'s profile under their sub, once', async () => {
    const first = await profile('u1', { time_zone: 'Europe/Berlin' });
    expect([first.status, first.body]).toEqual([201, { response: { id: 'u1' } }]);
    const again = await profile('u1', { username: 'renamed' });
    expect([again.status, again.body]).toEqual([200, { response: { id: 'u1' } }]);
    expect(table.items.get('USER#u1|PROFILE')).toMatchObject({ username: 'name-u1', email: 'u1@example.com', time_zone: 'Europe/Berlin' });
  });

  it('takes the token from seed 004\'s jwt_token field', async () => {
    const response = await call('create_user', { body: { email: 'u2@example.com', username: 'b', jwt_token: issuer.idToken('u2') } });
    expect([response.status, response.body.response]).toEqual([201, { id: 'u2' }]);
  });

  it.each([
    [{ as: 'u1', body: { email: 'other@example.com', username: 'x' } }, 403, /email must be/],
    [{ token: '', body: { email: 'u1@example.com', username: 'x' } }, 401, /Missing bearer token/],
    [{ token: 'not-a-jwt', body: { email: 'u1@example.com', username: 'x' } }, 401, /Invalid or expired/],
    [{ as: 'u1', body: { email: 'u1@example.com', username: 'x', time_zone: 'Nowhere/Land' } }, 400, /time_zone/],
    [{ as: 'u1', body: { email: 'u1@example.com' } }, 400, /username: is required/],
  ])('refuses %j', async (options, status, message) => {
    await refused('create_user', options, status, message);
  });

  it('asks for the ID token when given an access token (it carries no e-mail)', async () => {
    await refused('create_user', { token: issuer.accessToken('u1'), body: { email: 'u1@example.com', username: 'x' } }, 400, /ID token/);
  });
});

describe('friends', () => {
  beforeEach(async () => { for (const u of ['a', 'b', 'c']) await profile(u); });

  it('makes a request in both directions a friendship, written in one transaction', async () => {
    expect((await call('friend_request', { as: 'a', path: { id: 'b' }, body: { from: 'a' } })).body).toEqual({ response: 'pending' });
    expect((await call('list_friend_requests', { as: 'b', path: { id: 'b' } })).body.response).toEqual([{ from: 'a', created_at: expect.any(String) }]);
    const transactions = table.mock.commandCalls(TransactWriteCommand).length;
    expect((await call('friend_request', { as: 'b', path: { id: 'a' }, body: { from: 'b' } })).body).toEqual({ response: 'accepted' });
    const writes = table.mock.commandCalls(TransactWriteCommand).slice(transactions);
    expect(writes).toHaveLength(1);
    const puts = writes[0]!.args[0].input.TransactItems!.flatMap((op) => op.Put ? [`${op.Put.Item!.pk} ${op.Put.Item!.sk}`] : []);
    expect(puts).toEqual(['USER#b FRIEND#a', 'USER#a FRIEND#b']);
    expect((await call('list_friends', { as: 'a', path: { id: 'a' } })).body.response).toEqual(['b']);
    expect((await call('list_friends', { as: 'a', path: { id: 'b' } })).body.response).toEqual(['a']);
    expect((await call('list_friend_requests', { as: 'b', path: { id: 'b' } })).body.response).toEqual([]);
    expect((await call('friend_request', { as: 'a', path: { id: 'b' }, body: { from: 'a' } })).body).toEqual({ response: 'accepted' });
  });

  it('accepts and declines through the answer routes, and ends friendships on both sides', async () => {
    await call('friend_request', { as: 'a', path: { id: 'b' }, body: { from: 'a' } });
    await call('friend_request', { as: 'c', path: { id: 'b' }, body: { from: 'c' } });
    expect((await call('accept_friend_request', { as: 'b', path: { id: 'b', from: 'a' } })).body).toEqual({ response: 'accepted' });
    expect((await call('decline_friend_request', { as: 'b', path: { id: 'b', from: 'c' } })).body).toEqual({ response: 'declined' });
    expect((await call('list_friends', { as: 'b', path: { id: 'b' } })).body.response).toEqual(['a']);
    await refused('accept_friend_request', { as: 'b', path: { id: 'b', from: 'c' } }, 404, /No such friend request/);
    expect((await call('remove_friend', { as: 'a', path: { id: 'a', friendId: 'b' } })).body).toEqual({ response: 'success' });
    expect((await call('list_friends', { as: 'b', path: { id: 'b' } })).body.response).toEqual([]);
    await refused('remove_friend', { as: 'a', path: { id: 'a', friendId: 'b' } }, 404, /Not friends/);
  });

  it.each([
    ['a transaction conflict', 'TransactionConflict'],
    ['a throttle', 'ThrottlingError'],
  ])('answers %s on unfriend 503 with Retry-After in the social envelope, not 404 "Not friends"', async (_, code) => {
    await friends('a', 'b');
    table.mock.on(TransactWriteCommand).rejects(Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException', CancellationReasons: [{ Code: code }, { Code: 'None' }],
    }));
    const response = await call('remove_friend', { as: 'a', path: { id: 'a', friendId: 'b' } });
    expect([response.status, response.headers['Retry-After'], response.body]).toEqual([503, '1', { response: null, message: expect.stringMatching(/retry/) }]);
  });

  it.each([
    ['friend_request', { as: 'a', path: { id: 'b' }, body: { from: 'c' } }, 403, /from must be your own id/],
    ['friend_request', { as: 'a', path: { id: 'a' }, body: { from: 'a' } }, 400, /yourself/],
    ['friend_request', { as: 'a', path: { id: 'nobody' }, body: { from: 'a' } }, 404, /No such user/],
    ['friend_request', { as: 'a', path: { id: 'b' }, body: {} }, 400, /from: is required/],
    ['accept_friend_request', { as: 'a', path: { id: 'b', from: 'c' } }, 403, /\{id\} must be your own/],
    ['list_friend_requests', { as: 'a', path: { id: 'b' } }, 403, /\{id\} must be your own/],
    ['remove_friend', { as: 'a', path: { id: 'b', friendId: 'c' } }, 403, /\{id\} must be your own/],
    ['list_friends', { as: 'c', path: { id: 'a' } }, 404, /No such user/],
    ['get_user', { as: 'c', path: { id: 'a' } }, 404, /No such user/],
    ['get_user', { as: 'c', path: { id: '../a' } }, 400, /id: contains characters or a form that is not accepted/],
  ])('%s refuses %j', async (folder, options, status, message) => {
    await refused(folder, options, status, message);
  });

  it('pages friends 100 at a time with a signed cursor that opens no other list', async () => {
    for (let i = 0; i < 130; i++) table.items.set(`USER#a|FRIEND#f${String(i).padStart(3, '0')}`, { pk: 'USER#a', sk: `FRIEND#f${String(i).padStart(3, '0')}`, friend: `f${String(i).padStart(3, '0')}` });
    const first = await call('list_friends', { as: 'a', path: { id: 'a' } });
    expect(first.body.response).toHaveLength(100);
    const cursor = first.body.next_cursor as string;
    const second = await call('list_friends', { as: 'a', path: { id: 'a' }, query: { cursor } });
    expect(second.body.response).toHaveLength(30);
    expect(second.body.next_cursor).toBeNull();
    expect(new Set([...first.body.response, ...second.body.response]).size).toBe(130);
    await refused('list_friends', { as: 'a', path: { id: 'a' }, query: { cursor: Buffer.from('{"pk":"USER#b","sk":"FRIEND#x"}').toString('base64url') } }, 400, /cursor/);
    // a's friends cursor is refused on b's friends list and on a's friend requests.
    await friends('a', 'b');
    await refused('list_friends', { as: 'a', path: { id: 'b' }, query: { cursor } }, 400, /cursor is not one this list returned/);
    await refused('list_friend_requests', { as: 'a', path: { id: 'a' }, query: { cursor } }, 400, /cursor is not one this list returned/);
    // An altered cursor is refused too.
    const [payload] = cursor.split('.');
    const forged = `${Buffer.from('{"pk":"USER#b","sk":"FRIEND#a"}').toString('base64url')}.${cursor.split('.')[1]}`;
    expect(payload).not.toBe(forged.split('.')[0]);
    await refused('list_friends', { as: 'a', path: { id: 'a' }, query: { cursor: forged } }, 400, /cursor/);
  });

});

describe('locations', () => {
  beforeEach(async () => { await profile('a'); });
  it('stores string or number coordinates for the user themself', async () => {
    expect((await call('set_user_location', { as: 'a', path: { id: 'a' }, body: { latitude: '49.2827', longitude: -123.1207 } })).body).toEqual({ response: 'success' });
    expect(table.items.get('USER#a|PROFILE')!.location).toMatchObject({ latitude: 49.2827, longitude: -123.1207 });
  });
  it.each([
    [{ as: 'b', path: { id: 'a' }, body: { latitude: 1, longitude: 1 } }, 403, /another user's location/],
    [{ as: 'a', path: { id: 'a' }, body: { latitude: 91, longitude: 1 } }, 400, /latitude must be between -90 and 90/],
    [{ as: 'a', path: { id: 'a' }, body: { latitude: '91.0', longitude: 1 } }, 400, /latitude must be between/],
    [{ as: 'a', path: { id: 'a' }, body: { latitude: 1, longitude: '-180.5' } }, 400, /longitude must be between/],
    [{ as: 'a', path: { id: 'a' }, body: { latitude: 'north', longitude: 1 } }, 400, /latitude must be a number/],
    [{ as: 'a', path: { id: 'a' }, body: { latitude: 1 } }, 400, /longitude: is required/],
  ])('refuses %j', async (options, status, message) => {
    await refused('set_user_location', options, status, message);
  });
});

describe('events, invitations and chat', () => {
  beforeEach(async () => {
    for (const u of ['a', 'b', 'c']) await profile(u);
    await friends('a', 'b');
  });

  it('creates, invites a friend, lets them accept, and shows the attendance', async () => {
    const created = await single('a', 1800);
    expect(created.status).toBe(201);
    const id = created.body.response.id as string;
    expect((await call('invite_people', { as: 'a', path: { id }, body: { users: ['b'] } })).body.response).toEqual({ invited: ['b'], accepted: ['a'] });
    expect((await call('list_user_events', { as: 'b', path: { id: 'b' } })).body.response.map((e: { id: string }) => e.id)).toEqual([id]);
    expect((await call('get_user', { as: 'b', path: { id: 'b' } })).body.response.schedule).toEqual([]);
    expect((await call('answer_invitation', { as: 'b', path: { id, userId: 'b' }, body: { status: 'accepted' } })).body.response).toBe('accepted');
    const event = (await call('get_event', { as: 'b', path: { id } })).body.response;
    expect(event).toMatchObject({ id, owner: 'a', accepted: ['a', 'b'], invited: [], status: 'pending', duration: 3600, chat_url: `/chat/${id}/messages` });
    expect((await call('get_schedule', { as: 'a', path: { id: 'b' } })).body.response.schedule.map((e: { id: string }) => e.id)).toEqual([id]);
    expect((await call('remove_person', { as: 'b', path: { id, userId: 'b' } })).body.response).toBe('success');
    expect((await call('get_event', { as: 'a', path: { id } })).body.response.accepted).toEqual(['a']);
  });

  it.each([
    [{ start_time: '25:00', end_time: '10:00', single_event: false, repeat_days: [1] }, 400, /start_time must be a clock time/],
    [{ start_time: '9:00', end_time: '10:00', single_event: false, repeat_days: [7] }, 400, /repeat_days\.0: must be <= 6/],
    [{ start_time: '9:00', end_time: '10:00', single_event: false, repeat_days: [1], repeat_until: 1_000_000 }, 400, /repeat_until is before the start/],
    [{ start_time: '9:00', end_time: '10:00', single_event: false, repeat_days: [1], weight: 6 }, 400, /weight: must be <= 5/],
    [{ start_time: '9:00', end_time: '10:00', single_event: false, repeat_days: [1], owner: 'b' }, 403, /owner must be the caller/],
  ])('refuses the event %j and writes nothing', async (body, status, message) => {
    await refused('create_event', { as: 'a', body: { name: 'x', owner: 'a', ...body } }, status, message);
  });

  it('keeps strangers out', async () => {
    const id = (await single('a', 1800)).body.response.id as string;
    await refused('invite_people', { as: 'a', path: { id }, body: { users: ['b', 'c'] } }, 403, /only your friends; not friends: c/);
    await refused('invite_people', { as: 'b', path: { id }, body: { users: ['c'] } }, 403, /owner/);
    await refused('get_event', { as: 'c', path: { id } }, 404, /No such event/);
    await refused('post_message', { as: 'c', path: { eventId: id }, body: { message: 'hi' } }, 403, /members/);
    await refused('list_messages', { as: 'c', path: { eventId: id } }, 403, /members/);
    await refused('event_locations', { as: 'c', path: { id } }, 403, /members/);
    await refused('event_free_slots', { as: 'c', path: { id } }, 403, /members/);
    await refused('answer_invitation', { as: 'c', path: { id, userId: 'b' }, body: { status: 'accepted' } }, 403, /another user's answer/);
    await refused('answer_invitation', { as: 'c', path: { id, userId: 'c' }, body: { status: 'accepted' } }, 404, /not invited/);
    await refused('remove_person', { as: 'c', path: { id, userId: 'a' } }, 403, /owner/);
    await refused('remove_person', { as: 'a', path: { id, userId: 'a' } }, 400, /owner cannot be removed/);
    await refused('set_event_location', { as: 'b', path: { id }, body: { latitude: 1, longitude: 1 } }, 403, /owner/);
    await refused('list_user_events', { as: 'c', path: { id: 'a' } }, 403, /\{id\} must be your own/);
  });

  it('stores chat messages for members, newest first, a page at a time', async () => {
    const id = (await single('a', 1800)).body.response.id as string;
    await call('invite_people', { as: 'a', path: { id }, body: { users: ['b'] } });
    const sent: string[] = [];
    for (const [who, text] of [['a', 'one'], ['b', 'two'], ['a', 'three']] as const) {
      const response = await call('post_message', { as: who, path: { eventId: id }, body: { message: text } });
      expect(response.status).toBe(201);
      expect(response.body.response).toMatchObject({ sender: who, message: text });
      sent.push(response.body.response.id);
      await new Promise((r) => setTimeout(r, 3));
    }
    const page = (await call('list_messages', { as: 'b', path: { eventId: id }, query: { limit: '2' } })).body.response;
    expect(page.map((m: { message: string }) => m.message)).toEqual(['three', 'two']);
    const rest = (await call('list_messages', { as: 'b', path: { eventId: id }, query: { before: page[1].id } })).body.response;
    expect(rest.map((m: { message: string }) => m.message)).toEqual(['one']);
    await refused('post_message', { as: 'a', path: { eventId: id }, body: { message: 'x'.repeat(2001) } }, 400, /message: must be at most 2000 characters/);
    await refused('post_message', { as: 'a', path: { eventId: id }, body: { message: '   ' } }, 400, /blank/);
  });

  it('shares attendees\' locations from one hour before the event until its end, to members', async () => {
    const soon = (await single('a', 1800)).body.response.id as string;
    const later = (await single('a', 3 * 3600)).body.response.id as string;
    await call('set_user_location', { as: 'a', path: { id: 'a' }, body: { latitude: '52.52', longitude: '13.405' } });
    const shared = await call('event_locations', { as: 'a', path: { id: soon } });
    expect(shared.body.response).toEqual([{ id: 'a', username: 'name-a', latitude: 52.52, longitude: 13.405, updated_at: expect.any(String) }]);
    await refused('event_locations', { as: 'a', path: { id: later } }, 403, /one hour before/);
    expect((await call('set_event_location', { as: 'a', path: { id: soon }, body: { latitude: 52.5, longitude: 13.4 } })).body.response).toBe('success');
    await refused('set_event_location', { as: 'a', path: { id: soon }, body: { latitude: 91, longitude: 13.4 } }, 400, /latitude/);
  });

  it('finds free slots for the user and a friend, and common slots for an event', async () => {
    const start = now() + 86_400;
    await call('create_event', { as: 'a', body: { name: 'work', start_time: start, end_time: start + 7200, single_event: true, owner: 'a', weight: 5 } });
    await call('create_event', { as: 'b', body: { name: 'gym', start_time: start + 3 * 3600, end_time: start + 4 * 3600, single_event: true, owner: 'b', weight: 1 } });
    const query = { from: String(start - 3600), to: String(start + 6 * 3600) };
    const own = (await call('user_free_slots', { as: 'a', path: { id: 'a' }, query })).body.response;
    expect(own).toEqual([
      { start_at: new Date((start - 3600) * 1000).toISOString(), end_at: new Date(start * 1000).toISOString(), weight: 0 },
      { start_at: new Date((start + 7200) * 1000).toISOString(), end_at: new Date((start + 6 * 3600) * 1000).toISOString(), weight: 0 },
    ]);
    expect((await call('user_free_slots', { as: 'a', path: { id: 'b' }, query: { ...query, max_weight: '1' } })).body.response).toEqual([
      { start_at: new Date((start - 3600) * 1000).toISOString(), end_at: new Date((start + 6 * 3600) * 1000).toISOString(), weight: 1 },
    ]);
    const meetup = (await single('a', 2 * 86_400)).body.response.id as string;
    await call('invite_people', { as: 'a', path: { id: meetup }, body: { users: ['b'] } });
    await call('answer_invitation', { as: 'b', path: { id: meetup, userId: 'b' }, body: { status: 'accepted' } });
    const common = (await call('event_free_slots', { as: 'b', path: { id: meetup }, query })).body.response;
    expect(common.map((s: { start_at: string }) => s.start_at)).toEqual([
      new Date((start + 4 * 3600) * 1000).toISOString(), new Date((start - 3600) * 1000).toISOString(), new Date((start + 7200) * 1000).toISOString(),
    ]);
  });

  it.each([
    [{ from: '2026-01-01T00:00:00Z', to: '2026-04-02T00:00:00Z' }, /at most 90 days/],
    [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /to must be after from/],
    [{ from: 'yesterday' }, /from must be epoch seconds or an ISO 8601/],
    [{ min_duration: '0' }, /min_duration: must be >= 1/],
    [{ max_weight: '6' }, /max_weight: must be <= 5/],
  ])('refuses the free-slot query %j', async (query, message) => {
    await refused('user_free_slots', { as: 'a', path: { id: 'a' }, query }, 400, message);
  });

  it('hides a stranger\'s free slots', async () => {
    await refused('user_free_slots', { as: 'c', path: { id: 'a' } }, 404, /No such user/);
  });
});

describe('PUT /user/{id}/logout', () => {
  it('revokes the caller\'s tokens in the JWT layer\'s record, so the next call is 401', async () => {
    await profile('a');
    const token = issuer.idToken('a', { iat: now() - 5, auth_time: now() - 5 });
    expect((await call('logout', { token, method: 'PUT', path: { id: 'a' } })).body).toEqual({ response: 'success' });
    const put = table.mock.commandCalls(PutCommand).map((c) => c.args[0].input).find((input) => input.Item?.sk === 'REVOKED');
    expect(put).toMatchObject({ TableName: 'darkroom-auth', Item: { pk: 'USER#a', sk: 'REVOKED' } });
    // ...and signs the user out of Cognito (refresh tokens), as /auth/logout does.
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: 'us-east-1_TestPool1', Username: 'user-a' }]);
    const after = await call('get_user', { token, path: { id: 'a' } });
    expect([after.status, after.body]).toEqual([401, { response: null, message: 'Token has been revoked: log in again' }]);
  });

  it('refuses another user\'s id', async () => {
    await refused('logout', { as: 'a', method: 'PUT', path: { id: 'b' } }, 403, /another user's sessions/);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(0);
  });
});
