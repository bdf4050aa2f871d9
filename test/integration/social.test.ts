/**
 * The social service (seed 004, "Jarvis") through the local stack: users signed up with the auth
 * service over HTTP (codes from the outbox), profiles, friends, recurring and single events in two time
 * zones, invitations, chat, locations, free slots, logout; the real SDK against DynamoDB Local.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DateTime } from 'luxon';
import { api, clients, newUser, stack, type TestUser } from '../support/stack';

let ada: TestUser; // Berlin
let bob: TestUser; // Vancouver
let cy: TestUser;
const BERLIN = 'Europe/Berlin';
const VANCOUVER = 'America/Vancouver';
const now = () => Math.floor(Date.now() / 1000);
const table = () => stack().resources['table:social']!;
/** Every item of a partition, to show that a refused request wrote nothing. */
const partition = async (pk: string) => (await clients().dynamo.send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }))).Items ?? [];

beforeAll(async () => {
  [ada, bob, cy] = await Promise.all([newUser('ada'), newUser('bob'), newUser('cy')]);
});

describe('the Jarvis walk', () => {
  let meetup: string;
  let work: string;
  let dinnerEnd: number;

  it('creates profiles keyed by the Cognito sub (Bearer, or seed 004\'s jwt_token field), once', async () => {
    const first = await api('/user', { token: ada.idToken, body: { email: ada.email, username: 'Ada', time_zone: BERLIN } });
    expect(first).toMatchObject({ status: 201, body: { response: { id: ada.sub } } });
    expect(await api('/user', { body: { email: bob.email, username: 'Bob', time_zone: VANCOUVER, jwt_token: bob.idToken } })).toMatchObject({ status: 201, body: { response: { id: bob.sub } } });
    expect(await api('/user', { token: cy.idToken, body: { email: cy.email, username: 'Cy' } })).toMatchObject({ status: 201, body: { response: { id: cy.sub } } });
    expect(await api('/user', { token: ada.idToken, body: { email: ada.email, username: 'Ada again' } })).toMatchObject({ status: 200, body: { response: { id: ada.sub } } });
    expect(await api('/user', { token: cy.idToken, body: { email: ada.email, username: 'impostor' } })).toMatchObject({ status: 403, body: { response: null, message: 'email must be the e-mail address of your token' } });
  });

  it('befriends: a request both ways is a friendship; the answer routes accept and decline', async () => {
    expect((await api(`/user/${bob.sub}/friend_request`, { token: ada.idToken, body: { from: ada.sub } })).body).toEqual({ response: 'pending' });
    expect((await api(`/user/${ada.sub}/friend_request`, { token: bob.idToken, body: { from: bob.sub } })).body).toEqual({ response: 'accepted' });
    expect((await api(`/user/${cy.sub}/friend_request`, { token: ada.idToken, body: { from: ada.sub } })).body).toEqual({ response: 'pending' });
    expect((await api(`/user/${cy.sub}/friend_requests`, { token: cy.idToken })).body.response).toEqual([{ from: ada.sub, created_at: expect.any(String) }]);
    expect((await api(`/user/${cy.sub}/friend_request/${ada.sub}/accept`, { token: cy.idToken, body: {} })).body).toEqual({ response: 'accepted' });
    expect((await api(`/user/${cy.sub}/friend_request`, { token: bob.idToken, body: { from: bob.sub } })).body).toEqual({ response: 'pending' });
    expect((await api(`/user/${cy.sub}/friend_request/${bob.sub}/decline`, { token: cy.idToken, body: {} })).body).toEqual({ response: 'declined' });

    expect((await api(`/user/${ada.sub}/friends`, { token: ada.idToken })).body.response.sort()).toEqual([bob.sub, cy.sub].sort());
    expect((await api(`/user/${bob.sub}/friends`, { token: bob.idToken })).body.response).toEqual([ada.sub]);
    // Both items of a friendship exist; no request is left behind.
    expect((await partition(`USER#${cy.sub}`)).map((item) => String(item.sk).split('#')[0]).sort()).toEqual(['FRIEND', 'PROFILE']);
  });

  it('refuses another user\'s id in write paths, and a forged from, writing nothing', async () => {
    const before = await partition(`USER#${cy.sub}`);
    expect(await api(`/user/${cy.sub}/friend_request`, { token: bob.idToken, body: { from: ada.sub } })).toMatchObject({ status: 403, body: { response: null, message: 'from must be your own id' } });
    expect(await api(`/user/${cy.sub}/location`, { token: bob.idToken, body: { latitude: '1', longitude: '1' } })).toMatchObject({ status: 403, body: { response: null } });
    expect(await api(`/user/${cy.sub}/friends/${ada.sub}`, { method: 'DELETE', token: bob.idToken })).toMatchObject({ status: 403, body: { response: null } });
    expect(await api(`/user/${cy.sub}`, { token: bob.idToken })).toMatchObject({ status: 404, body: { response: null, message: 'No such user' } });
    expect(await partition(`USER#${cy.sub}`)).toEqual(before);
  });

  it('creates recurring and single events in two time zones', async () => {
    const created = await api('/event', {
      token: ada.idToken,
      body: { name: 'work', description: 'office', start_time: '9:00', end_time: '17:00', single_event: false, repeat_days: [1, 2, 3, 4, 5], repeat_until: now() + 120 * 86_400, weight: 5, owner: ada.email, google: false },
    });
    expect(created.status).toBe(201);
    work = created.body.response.id;
    const gym = await api('/event', {
      token: bob.idToken,
      body: { name: 'gym', start_time: '7:00', end_time: '8:00', single_event: false, repeat_days: [0, 1, 2, 3, 4, 5, 6], weight: 1, owner: bob.sub },
    });
    expect(gym.status).toBe(201);
    const late = await api('/event', {
      token: bob.idToken, body: { name: 'night shift', start_time: '22:00', end_time: '6:00', single_event: false, repeat_days: [6], weight: 4, owner: bob.sub, time_zone: BERLIN },
    });
    expect(late.status).toBe(201);
    const dinner = await api('/event', {
      token: ada.idToken, body: { name: 'dinner', start_time: now() + 1800, end_time: now() + 1800 + 7200, single_event: true, owner: ada.sub },
    });
    expect(dinner.status).toBe(201);
    meetup = dinner.body.response.id;
    const shape = (await api(`/event/${meetup}`, { token: ada.idToken })).body.response;
    dinnerEnd = (shape.start_time + shape.duration) * 1000;

    const event = (await api(`/event/${work}`, { token: ada.idToken })).body.response;
    expect(event).toMatchObject({ id: work, name: 'work', owner: ada.sub, accepted: [ada.sub], invited: [], time_zone: BERLIN, weight: 5, single_event: false, chat_url: `/chat/${work}/messages`, recurrence: { start_time: '9:00', end_time: '17:00', repeat_days: [1, 2, 3, 4, 5] } });
    const start = DateTime.fromSeconds(event.start_time, { zone: BERLIN });
    expect([start.toFormat('HH:mm'), start.weekday <= 5, event.duration]).toEqual(['09:00', true, 8 * 3600]);
    const night = (await api(`/event/${late.body.response.id}`, { token: bob.idToken })).body.response;
    expect(DateTime.fromSeconds(night.start_time, { zone: BERLIN }).toFormat('ccc HH:mm')).toBe('Sat 22:00');
    expect((await api(`/event/${gym.body.response.id}`, { token: bob.idToken })).body.response.time_zone).toBe(VANCOUVER);
  });

  it.each([
    ['clock times like 25:00', { start_time: '25:00', end_time: '26:00', single_event: false, repeat_days: [1] }, 400, /start_time must be a clock time/],
    ['repeat_days outside 0-6', { start_time: '9:00', end_time: '10:00', single_event: false, repeat_days: [1, 7] }, 400, /repeat_days\.1: must be <= 6/],
    ['repeat_until before the start', { start_time: '9:00', end_time: '10:00', single_event: false, repeat_days: [1], repeat_until: 1_290_801_901 }, 400, /repeat_until is before the start/],
    ['another owner', { start_time: '9:00', end_time: '10:00', single_event: false, repeat_days: [1], owner: 'someone@example.com' }, 403, /owner must be the caller/],
  ])('refuses %s, creating no event', async (_, body, status, message) => {
    const before = (await api(`/user/${cy.sub}/events`, { token: cy.idToken })).body.response.length;
    const response = await api('/event', { token: cy.idToken, body: { name: 'bad', owner: cy.sub, ...body } });
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ response: null, message: expect.stringMatching(message) });
    expect((await api(`/user/${cy.sub}/events`, { token: cy.idToken })).body.response).toHaveLength(before);
  });

  it('invites friends, who accept or decline; strangers cannot be invited', async () => {
    expect((await api(`/event/${meetup}/people`, { token: ada.idToken, body: { users: [bob.sub, cy.sub] } })).body.response).toEqual({ invited: [bob.sub, cy.sub].sort(), accepted: [ada.sub] });
    expect((await api(`/user/${bob.sub}/events`, { token: bob.idToken })).body.response.map((e: { id: string }) => e.id)).toContain(meetup);
    expect((await api(`/event/${meetup}/people/${bob.sub}`, { token: bob.idToken, body: { status: 'accepted' } })).body).toEqual({ response: 'accepted' });
    expect((await api(`/event/${meetup}/people/${cy.sub}`, { token: cy.idToken, body: { status: 'declined' } })).body).toEqual({ response: 'declined' });
    expect(await api(`/event/${meetup}/people/${cy.sub}`, { token: bob.idToken, body: { status: 'accepted' } })).toMatchObject({ status: 403, body: { response: null } });
    const bobsEvent = (await api('/event', { token: bob.idToken, body: { name: 'x', start_time: now() + 86_400, end_time: now() + 90_000, single_event: true, owner: bob.sub } })).body.response.id;
    expect(await api(`/event/${bobsEvent}/people`, { token: bob.idToken, body: { users: [cy.sub] } })).toMatchObject({ status: 403, body: { response: null, message: expect.stringContaining('not friends') } });
    const event = (await api(`/event/${meetup}`, { token: bob.idToken })).body.response;
    expect(event).toMatchObject({ accepted: [ada.sub, bob.sub].sort(), invited: [], status: 'pending', duration: 7200 });
    expect((await api(`/user/${bob.sub}/schedule`, { token: ada.idToken })).body.response).toMatchObject({ id: bob.sub, username: 'Bob' });
    expect((await api(`/user/${bob.sub}/schedule`, { token: ada.idToken })).body.response.schedule.map((e: { id: string }) => e.id)).toContain(meetup);
  });

  it('chats among members only, newest first, paginated', async () => {
    for (const [who, text] of [[ada, 'see you at 7'], [bob, 'on my way'], [ada, 'table by the window']] as const) {
      const sent = await api(`/chat/${meetup}/messages`, { token: who.idToken, body: { message: text } });
      expect(sent).toMatchObject({ status: 201, body: { response: { sender: who.sub, message: text, id: expect.any(String), sent_at: expect.any(String) } } });
      await new Promise((r) => setTimeout(r, 5));
    }
    const page = (await api(`/chat/${meetup}/messages?limit=2`, { token: bob.idToken })).body.response;
    expect(page.map((m: { message: string }) => m.message)).toEqual(['table by the window', 'on my way']);
    const older = (await api(`/chat/${meetup}/messages?before=${page[1].id}`, { token: bob.idToken })).body.response;
    expect(older.map((m: { message: string }) => m.message)).toEqual(['see you at 7']);
    expect(await api(`/chat/${meetup}/messages`, { token: cy.idToken })).toMatchObject({ status: 403, body: { response: null } });
    expect(await api(`/chat/${meetup}/messages`, { token: cy.idToken, body: { message: 'let me in' } })).toMatchObject({ status: 403, body: { response: null } });
    expect(await api(`/chat/${meetup}/messages`, { token: ada.idToken, body: { message: '' } })).toMatchObject({ status: 400, body: { response: null } });
  });

  it('shares locations with members from an hour before the event, and refuses a latitude of 91', async () => {
    expect((await api(`/user/${ada.sub}/location`, { token: ada.idToken, body: { latitude: '52.5200', longitude: '13.4050' } })).body).toEqual({ response: 'success' });
    expect((await api(`/user/${bob.sub}/location`, { token: bob.idToken, body: { latitude: 49.2827, longitude: -123.1207 } })).body).toEqual({ response: 'success' });
    const refused = await api(`/user/${ada.sub}/location`, { token: ada.idToken, body: { latitude: '91', longitude: '13.4050' } });
    expect(refused).toMatchObject({ status: 400, body: { response: null, message: 'latitude must be between -90 and 90' } });
    expect((await api(`/event/${meetup}/location`, { token: ada.idToken, body: { latitude: '52.51', longitude: '13.39' } })).body).toEqual({ response: 'success' });
    expect((await api(`/event/${meetup}/location`, { token: bob.idToken, body: { latitude: '52.51', longitude: '13.39' } })).status).toBe(403);

    const locations = (await api(`/event/${meetup}/locations`, { token: bob.idToken })).body.response;
    expect(locations).toEqual(expect.arrayContaining([
      { id: ada.sub, username: 'Ada', latitude: 52.52, longitude: 13.405, updated_at: expect.any(String) },
      { id: bob.sub, username: 'Bob', latitude: 49.2827, longitude: -123.1207, updated_at: expect.any(String) },
    ]));
    expect(locations).toHaveLength(2);
    expect((await api(`/event/${meetup}`, { token: ada.idToken })).body.response.location).toMatchObject({ latitude: 52.51, longitude: 13.39 });
    expect(await api(`/event/${meetup}/locations`, { token: cy.idToken })).toMatchObject({ status: 403, body: { response: null } });
    // The recurring work event's next occurrence is more than an hour away (or in progress): only members, and in the window.
    expect((await api(`/event/${work}/locations`, { token: bob.idToken })).status).toBe(403);
  });

  it('finds a user\'s free slots, recurrences expanded in their own zone', async () => {
    const from = DateTime.now().setZone(BERLIN).plus({ days: 1 }).startOf('day');
    const to = from.plus({ days: 7 });
    const query = `from=${encodeURIComponent(from.toISO()!)}&to=${to.toUnixInteger()}`;
    const slots = (await api(`/user/${ada.sub}/free_slots?${query}`, { token: ada.idToken })).body.response as Array<{ start_at: string; end_at: string; weight: number }>;
    expect(slots.length).toBeGreaterThanOrEqual(5);
    for (const slot of slots) {
      const start = DateTime.fromISO(slot.start_at, { zone: BERLIN });
      const end = DateTime.fromISO(slot.end_at, { zone: BERLIN });
      // Slots start when work ends, or when tonight's dinner (which may reach past midnight) ends.
      if (start > from && start.toMillis() !== dinnerEnd) expect(start.toFormat('HH:mm')).toBe('17:00');
      if (end < to) expect(end.toFormat('HH:mm')).toBe('09:00');
      expect(slot.weight).toBe(0);
    }
    // Bob's gym (weight 1) blocks by default, and is counted into the slots with max_weight=1.
    const strict = (await api(`/user/${bob.sub}/free_slots?${query}`, { token: ada.idToken })).body.response;
    const relaxed = (await api(`/user/${bob.sub}/free_slots?${query}&max_weight=1&min_duration=60`, { token: ada.idToken })).body.response;
    expect(strict.length).toBeGreaterThan(relaxed.length);
    // A relaxed slot that overlaps a gym carries its weight; one with weight 0 holds no gym (it lies between
    // blocking events, e.g. Bob's single events of tomorrow, depending on the time of day the test runs).
    expect(relaxed.some((s: { weight: number }) => s.weight >= 1)).toBe(true);
    for (const slot of relaxed as Array<{ start_at: string; end_at: string; weight: number }>) {
      const start = DateTime.fromISO(slot.start_at, { zone: VANCOUVER });
      let gym = start.set({ hour: 7, minute: 0, second: 0, millisecond: 0 });
      if (gym.plus({ hours: 1 }) <= start) gym = gym.plus({ days: 1 });
      const overlapsGym = gym < DateTime.fromISO(slot.end_at, { zone: VANCOUVER });
      expect({ slot, weight: slot.weight >= 1 }).toEqual({ slot, weight: overlapsGym });
    }
    // Bob's slots end when his gym starts (7:00 Vancouver), his Berlin night shift starts (Sat 22:00
    // Berlin), or one of his single events starts.
    const singles = ((await api(`/user/${bob.sub}`, { token: bob.idToken })).body.response.schedule as Array<{ single_event: boolean; start_time: number }>)
      .filter((e) => e.single_event).map((e) => e.start_time * 1000);
    for (const slot of strict) {
      const end = DateTime.fromISO(slot.end_at, { zone: VANCOUVER });
      if (end >= to || singles.includes(end.toMillis())) continue;
      const local = end.toFormat('HH:mm') === '07:00' ? '07:00' : DateTime.fromISO(slot.end_at, { zone: BERLIN }).toFormat('ccc HH:mm');
      expect(['07:00', 'Sat 22:00']).toContain(local);
    }
    expect(await api(`/user/${ada.sub}/free_slots`, { token: cy.idToken })).toMatchObject({ status: 200 });
    expect(await api(`/user/${bob.sub}/free_slots`, { token: cy.idToken })).toMatchObject({ status: 404, body: { response: null } });
  });

  it('finds the event\'s common slots, ranked by weight then length, at most 10', async () => {
    const from = DateTime.now().setZone(BERLIN).plus({ days: 1 }).startOf('day');
    const to = from.plus({ days: 14 });
    const slots = (await api(`/event/${meetup}/free_slots?from=${from.toUnixInteger()}&to=${to.toUnixInteger()}&max_weight=1`, { token: bob.idToken })).body.response as Array<{ start_at: string; end_at: string; weight: number }>;
    expect(slots).toHaveLength(10);
    for (let i = 1; i < slots.length; i++) {
      const [a, b] = [slots[i - 1]!, slots[i]!];
      const length = (s: typeof a) => Date.parse(s.end_at) - Date.parse(s.start_at);
      expect(a.weight < b.weight || (a.weight === b.weight && length(a) >= length(b))).toBe(true);
    }
    for (const slot of slots) {
      // Never inside Ada's working hours (Berlin, weekdays 9-17).
      for (let t = DateTime.fromISO(slot.start_at, { zone: BERLIN }); t < DateTime.fromISO(slot.end_at); t = t.plus({ minutes: 30 })) {
        expect(t.weekday <= 5 && t.hour >= 9 && t.hour < 17).toBe(false);
      }
    }
  });

  it.each([
    ['over 90 days', (from: number) => `from=${from}&to=${from + 91 * 86_400}`, /at most 90 days/],
    ['reversed', (from: number) => `from=${from}&to=${from - 3600}`, /to must be after from/],
  ])('refuses a free-slot range %s', async (_, query, message) => {
    const response = await api(`/user/${ada.sub}/free_slots?${query(now())}`, { token: ada.idToken });
    expect(response).toMatchObject({ status: 400, body: { response: null, message: expect.stringMatching(message) } });
  });

  it('keeps the memberships in the by_user index', async () => {
    const description = await new DynamoDBClient({ region: stack().env.AWS_REGION ?? 'us-east-1', endpoint: stack().dynamodb, credentials: { accessKeyId: stack().env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack().env.AWS_SECRET_ACCESS_KEY! } })
      .send(new DescribeTableCommand({ TableName: table() }));
    expect(description.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['by_user']);
  });

  it('unfriends both ways at once', async () => {
    expect((await api(`/user/${cy.sub}/friends/${ada.sub}`, { method: 'DELETE', token: cy.idToken })).body).toEqual({ response: 'success' });
    expect((await api(`/user/${ada.sub}/friends`, { token: ada.idToken })).body.response).toEqual([bob.sub]);
  });

  it('logs out: every later call with those tokens is 401, everyone else carries on', async () => {
    expect(await api(`/user/${ada.sub}/logout`, { method: 'PUT', token: bob.idToken })).toMatchObject({ status: 403, body: { response: null } });
    expect((await api(`/user/${ada.sub}/logout`, { method: 'PUT', token: ada.idToken })).body).toEqual({ response: 'success' });
    for (const token of [ada.idToken, ada.accessToken]) {
      expect(await api(`/user/${ada.sub}`, { token })).toMatchObject({ status: 401, body: { response: null, message: 'Token has been revoked: log in again' } });
    }
    expect((await api('/auth/refresh_token', { body: { username: ada.username, refresh_token: ada.refreshToken } })).status).toBe(401);
    expect((await api(`/user/${bob.sub}`, { token: bob.idToken })).status).toBe(200);
  });
});
