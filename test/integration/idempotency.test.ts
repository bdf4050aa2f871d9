/**
 * `Idempotency-Key` on the POSTs that create something, through the local stack: a retried request gets
 * the first answer (same status and body, `Idempotent-Replayed: true`) and nothing is created twice;
 * the records live in the idempotency table of DynamoDB Local (Powertools idempotency).
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { api, clients, newUser, stack, unique, type ApiResponse, type TestUser } from '../support/stack';

let ada: TestUser;
let bob: TestUser;
beforeAll(async () => {
  [ada, bob] = await Promise.all([newUser('idem-ada'), newUser('idem-bob')]);
  for (const user of [ada, bob]) {
    expect((await api('/user', { token: user.idToken, body: { email: user.email, username: user.username } })).status).toBe(201);
  }
});

const socialTable = () => stack().resources['table:social']!;
const query = async (input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) =>
  (await clients().dynamo.send(new QueryCommand({ TableName: socialTable(), ...input }))).Items ?? [];
/** The events `sub` is a member of (the by_user index: USER#<sub> / EVENT#<id>). */
const eventsOf = (sub: string) => query({
  IndexName: 'by_user', KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :event)',
  ExpressionAttributeValues: { ':pk': `USER#${sub}`, ':event': 'EVENT#' },
});
/** The chat messages of an event (EVENT#<id> / MSG#<message id>). */
const messagesOf = (eventId: string) => query({
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)', ExpressionAttributeValues: { ':pk': `EVENT#${eventId}`, ':msg': 'MSG#' },
});

const keyed = (key: string) => ({ 'idempotency-key': key });
/** The first answer and its replay are the same answer. */
function expectReplay(first: ApiResponse, again: ApiResponse): void {
  expect(again.status).toBe(first.status);
  expect(again.body).toEqual(first.body);
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  expect(again.headers.get('idempotent-replayed')).toBe('true');
}

const singleEvent = (user: TestUser, name: string) => ({
  name, start_time: Math.floor(Date.now() / 1000) + 86_400, end_time: Math.floor(Date.now() / 1000) + 90_000, single_event: true, owner: user.sub,
});

describe('a POST repeated with the same Idempotency-Key', () => {
  it('creates one social event, and answers the repeat with the first answer', async () => {
    const before = (await eventsOf(ada.sub)).length;
    const key = randomUUID();
    const body = singleEvent(ada, `once ${unique()}`);
    const first = await api('/event', { token: ada.idToken, headers: keyed(key), body });
    expect(first.status).toBe(201);
    const again = await api('/event', { token: ada.idToken, headers: keyed(key), body });
    expectReplay(first, again);
    expect((await eventsOf(ada.sub)).length).toBe(before + 1);
    // Without a key, the same body is a second event.
    expect((await api('/event', { token: ada.idToken, body })).status).toBe(201);
    expect((await eventsOf(ada.sub)).length).toBe(before + 2);
  });

  it('posts one chat message', async () => {
    const event = (await api('/event', { token: ada.idToken, body: singleEvent(ada, `chat ${unique()}`) })).body.response.id as string;
    const key = randomUUID();
    const first = await api(`/chat/${event}/messages`, { token: ada.idToken, headers: keyed(key), body: { message: 'only once' } });
    expect(first.status).toBe(201);
    const again = await api(`/chat/${event}/messages`, { token: ada.idToken, headers: keyed(key), body: { message: 'only once' } });
    expectReplay(first, again);
    expect((await messagesOf(event)).map((item) => item.message)).toEqual(['only once']);
    // The key is scoped to the path: the same key and body on another event's chat is a message of its own.
    const other = (await api('/event', { token: ada.idToken, body: singleEvent(ada, `chat ${unique()}`) })).body.response.id as string;
    const elsewhere = await api(`/chat/${other}/messages`, { token: ada.idToken, headers: keyed(key), body: { message: 'only once' } });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.headers.get('idempotent-replayed')).toBeNull();
    expect(await messagesOf(other)).toHaveLength(1);
  });

  it('creates one datasets project (without the key, the repeat is the 409 of a name in use)', async () => {
    const key = randomUUID();
    const name = `idem ${unique()}`;
    const body = { id_token: ada.idToken, access_token: ada.accessToken, project_name: name };
    const first = await api('/projects/create', { headers: keyed(key), body });
    expect(first.status).toBe(200);
    // A retry may carry the tokens in the header instead of the body: the same request.
    const again = await api('/projects/create', { token: ada.idToken, headers: keyed(key), body: { project_name: name } });
    expectReplay(first, again);
    const list = (await api('/projects/list', { token: ada.idToken, body: {} })).body.data.items as Array<Record<string, { S?: string }>>;
    expect(list.filter((item) => item.project_name?.S === name)).toHaveLength(1);
    expect((await api('/projects/create', { body })).status).toBe(409);
  });

  it('issues one image upload and one visual job', async () => {
    const key = randomUUID();
    const first = await api('/images/upload', { token: ada.idToken, headers: keyed(key), body: { file_name: 'once.jpg' } });
    expect(first.status).toBe(201);
    expectReplay(first, await api('/images/upload', { token: ada.idToken, headers: keyed(key), body: { file_name: 'once.jpg' } }));
    const job = { email: `idem-${unique()}@example.com`, fileName: 'once.png' };
    const created = await api('/visual/job', { headers: keyed(key), body: job });
    expect(created.status).toBe(201);
    const repeated = await api('/visual/job', { headers: keyed(key), body: job });
    expectReplay(created, repeated);
    expect((await api(`/visual/job/${created.body.jobID}`)).body.files).toHaveLength(1);
  });

  it('is scoped to the caller, refuses another body with 422, and refuses a malformed key with 400', async () => {
    const key = randomUUID();
    const mine = await api('/event', { token: ada.idToken, headers: keyed(key), body: singleEvent(ada, `mine ${unique()}`) });
    const theirs = await api('/event', { token: bob.idToken, headers: keyed(key), body: singleEvent(bob, `theirs ${unique()}`) });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.response.id).not.toBe(mine.body.response.id);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    const other = await api('/event', { token: ada.idToken, headers: keyed(key), body: singleEvent(ada, `other ${unique()}`) });
    expect(other).toMatchObject({ status: 422, body: { response: null, message: 'This Idempotency-Key was used with another request body' } });
    const bad = await api('/event', { token: ada.idToken, headers: keyed('has spaces in it'), body: singleEvent(ada, 'x') });
    expect(bad).toMatchObject({ status: 400, body: { response: null, message: expect.stringMatching(/Idempotency-Key/) } });
  });

  it('runs again after a refusal: only a 2xx answer is kept', async () => {
    const key = randomUUID();
    const refused = await api('/chat/no-such-event/messages', { token: ada.idToken, headers: keyed(key), body: { message: 'hello' } });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const event = (await api('/event', { token: ada.idToken, body: singleEvent(ada, `late ${unique()}`) })).body.response.id as string;
    const sent = await api(`/chat/${event}/messages`, { token: ada.idToken, headers: keyed(key), body: { message: 'hello' } });
    expect(sent.status).toBe(201);
    expect(sent.headers.get('idempotent-replayed')).toBeNull();
  });
});
