/**
 * Every list route pages through 1,100 items exactly once with the shared cursor convention (`limit`
 * and `cursor` in, `next_cursor` out, null on the last page), and refuses with 400 a cursor handed out
 * for another user or another list. The items are written straight into DynamoDB Local (the routes
 * that create them are tested elsewhere); the pages are read through the local stack.
 */
import { batchWrite, mapLimit } from '@darkroom/runtime';
import { api, clients, newUser, stack, type TestUser } from '../support/stack';

const COUNT = 1100;
const names = Array.from({ length: COUNT }, (_, i) => `i${String(i).padStart(4, '0')}`);
const at = '2026-12-07T10:00:00.000Z';
let ada: TestUser;
let bob: TestUser;
/** Writes items with BatchWriteItem, a few requests at a time. */
async function seed(table: string, items: Array<Record<string, unknown>>): Promise<void> {
  const chunks = Array.from({ length: Math.ceil(items.length / 100) }, (_, i) => items.slice(i * 100, (i + 1) * 100));
  await mapLimit(chunks, 4, (chunk) => batchWrite(clients().dynamo, stack().resources[table]!, chunk.map((Item) => ({ PutRequest: { Item } }))));
}
/** Seeding thousands of items into DynamoDB Local on a loaded machine takes a while. */
const SEED_TIMEOUT = 300_000;

/** Follows `next_cursor` from the first page to the last; fails on a page that repeats an item. */
async function pageThrough(first: () => Promise<any>, next: (cursor: string) => Promise<any>, itemsOf: (body: any) => unknown[], cursorOf: (body: any) => string | null) {
  const seen: unknown[] = [];
  const cursors: string[] = [];
  const sizes: number[] = [];
  let response = await first();
  for (;;) {
    expect(response.status).toBe(200);
    sizes.push(itemsOf(response.body).length);
    seen.push(...itemsOf(response.body));
    const cursor = cursorOf(response.body);
    if (cursor === null) break;
    cursors.push(cursor);
    response = await next(cursor);
  }
  return { seen, cursors, sizes };
}

beforeAll(async () => {
  [ada, bob] = await Promise.all([newUser('page-ada'), newUser('page-bob')]);
});

describe('social lists', () => {
  const get = (user: TestUser, path: string) => api(path, { token: user.idToken });
  let eventId: string;

  beforeAll(async () => {
    for (const user of [ada, bob]) await api('/user', { token: user.idToken, body: { email: user.email, username: user.email.split('@')[0] } });
    eventId = `page-${ada.sub.slice(0, 8)}`;
    await seed('table:social', [
      ...names.map((n) => ({ pk: `USER#${ada.sub}`, sk: `FRIEND#${n}`, friend: n, created_at: at })),
      ...names.map((n) => ({ pk: `USER#${ada.sub}`, sk: `REQUEST#${n}`, from: n, to: ada.sub, created_at: at })),
      ...names.flatMap((n) => [
        { pk: `EVENT#${eventId}-${n}`, sk: 'EVENT', id: `${eventId}-${n}`, name: n, description: '', owner: ada.sub, single_event: true, weight: 3, google: false, time_zone: 'UTC', start: 1_800_000_000, end: 1_800_003_600, created_at: at },
        { pk: `EVENT#${eventId}-${n}`, sk: `MEMBER#${ada.sub}`, gsi1pk: `USER#${ada.sub}`, gsi1sk: `EVENT#${eventId}-${n}`, event_id: `${eventId}-${n}`, user: ada.sub, role: 'owner', status: 'accepted', updated_at: at },
      ]),
      // Declined invitations are not the user's events: they never show up.
      ...names.slice(0, 30).map((n) => ({ pk: `EVENT#declined-${n}`, sk: `MEMBER#${ada.sub}`, gsi1pk: `USER#${ada.sub}`, gsi1sk: `EVENT#declined-${n}`, event_id: `declined-${n}`, user: ada.sub, role: 'guest', status: 'declined', updated_at: at })),
      ...names.map((n) => ({ pk: `EVENT#${eventId}-i0000`, sk: `MSG#${n}`, id: n, sender: ada.sub, message: n, sent_at: at })),
    ]);
  }, SEED_TIMEOUT);

  it.each([
    ['friends', () => `/user/${ada.sub}/friends`, (body: any) => body.response, names],
    ['friend requests', () => `/user/${ada.sub}/friend_requests`, (body: any) => body.response.map((r: { from: string }) => r.from), names],
    ['events', () => `/user/${ada.sub}/events`, (body: any) => body.response.map((e: { name: string }) => e.name), names],
    ['chat messages', () => `/chat/${eventId}-i0000/messages`, (body: any) => body.response.map((m: { id: string }) => m.id), [...names].reverse()],
  ])('pages through 1,100 %s exactly once, and refuses its cursor for another user or list', async (_, path, itemsOf, expected) => {
    const limit = path().includes('/events') ? 50 : 100;
    const { seen, cursors, sizes } = await pageThrough(
      () => get(ada, `${path()}?limit=${limit}`), (cursor) => get(ada, `${path()}?limit=${limit}&cursor=${cursor}`),
      itemsOf, (body) => body.next_cursor,
    );
    expect(seen).toEqual(expected);
    // Full pages, but where the declined invitations were read and left out (events).
    expect(sizes.every((size) => size <= limit)).toBe(true);
    expect(sizes.filter((size) => size === limit)).toHaveLength(COUNT / limit - (path().includes('/events') ? 1 : 0));
    const cursor = cursors[0]!;
    // Another list of the same user, and the same list of another user (bob's own friends).
    const other = path().includes('/friends') ? `/user/${ada.sub}/friend_requests` : `/user/${ada.sub}/friends`;
    for (const [user, where] of [[ada, other], [bob, `/user/${bob.sub}/friends`]] as const) {
      const refused = await get(user, `${where}?cursor=${cursor}`);
      expect([refused.status, refused.body]).toEqual([400, { response: null, message: expect.stringMatching(/cursor is not one this list returned/) }]);
    }
  }, SEED_TIMEOUT);
});

describe('photos', () => {
  it('pages through 1,100 photos exactly once (newest first), and refuses its cursor for another user', async () => {
    await seed('table:photos', names.map((n) => ({
      pk: ada.sub, sk: `PHOTO#${n}.png`, owner: ada.sub, filename: `${n}.png`, key: `${ada.sub}/photos/${n}.png`, status: 'failed',
      failure_reason: 'not a decodable image', size: 10, content_type: 'image/png', uploaded_at: at,
    })));
    const list = (user: TestUser, body: Record<string, unknown>) => api('/photos/list', { token: user.idToken, body });
    const { seen, cursors } = await pageThrough(() => list(ada, { limit: 100 }), (cursor) => list(ada, { limit: 100, cursor }),
      (body) => body.photos.map((p: { filename: string }) => p.filename), (body) => body.next_cursor);
    expect(seen).toEqual(names.map((n) => `${n}.png`).reverse());
    expect(cursors).toHaveLength(10);
    expect((await list(bob, { cursor: cursors[0] })).status).toBe(400);
    expect((await list(bob, { next_token: cursors[0] })).status).toBe(400);
  }, SEED_TIMEOUT);
});

describe('datasets', () => {
  it('pages through 1,100 records of a group exactly once, by seed 003\'s next_token or by cursor, and refuses a cursor of another group or user', async () => {
    const call = (user: TestUser, path: string, body: Record<string, unknown>) => api(path, { body: { id_token: user.idToken, access_token: user.accessToken, ...body } });
    const created = await call(ada, '/projects/create', { project_name: 'pages', project_info: 'paging' });
    expect(created.status).toBe(200);
    const projectId = created.body.data.project_id as string;
    await seed('table:datasets', names.map((n) => ({
      pk: `DATA#${projectId}#ORIGINAL`, sk: `${n}.png`, project_id: projectId, type_method: 'ORIGINAL', filename: `${n}.png`,
      key: `${ada.sub}/${projectId}/${n}.png`, size: 10, hash: 'h', is_ori: true, gen_id: '', classtype: null, version: 1, updated_at: at,
    })));
    const page = (body: Record<string, unknown>) => call(ada, '/projects/list_data', { project_id: projectId, type_method: 'ORIGINAL', num_limit: 500, ...body });
    const filenames = (body: any) => body.data.items.map((item: { filename: string }) => item.filename);
    const byCursor = await pageThrough(() => page({ next_token: '' }), (cursor) => page({ cursor }), filenames, (body) => body.data.next_cursor);
    expect(byCursor.seen).toEqual(names.map((n) => `${n}.png`));
    let token: unknown = '';
    const bySeed: string[] = [];
    do {
      const response = await page({ next_token: token });
      bySeed.push(...filenames(response.body));
      token = response.body.data.next_token;
    } while (token);
    expect(bySeed).toEqual(byCursor.seen);
    const cursor = byCursor.cursors[0]!;
    expect((await page({ type_method: 'AUGMENT', cursor })).status).toBe(400);
    const bobs = await call(bob, '/projects/create', { project_name: 'pages', project_info: 'paging' });
    const foreign = await call(bob, '/projects/list_data', { project_id: bobs.body.data.project_id, type_method: 'ORIGINAL', cursor });
    expect([foreign.status, foreign.body.message]).toEqual([400, expect.stringMatching(/cursor is not one this list returned/)]);
  }, SEED_TIMEOUT);
});
