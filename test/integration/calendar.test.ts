/**
 * Social calendars through the local stack: the feed token, the iCalendar feed a calendar app
 * subscribes to (no bearer token, ETag, 304), and the import of .ics files, against DynamoDB Local.
 * The round trip: Ada's feed imported by Bob gives Bob Ada's free slots across the spring DST changes
 * of Vancouver and Berlin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import ICAL from 'ical.js';
import { api, clients, newUser, stack, type TestUser } from '../support/stack';

let ada: TestUser; // Berlin
let bob: TestUser; // Vancouver
const google = readFileSync(join(__dirname, '../fixtures/calendar/google.ics'), 'utf8');
const ics = { 'content-type': 'text/calendar; charset=utf-8' };
/** Ada's events: every EVENT item she owns, through the by_user index. */
const adaEvents = async () => (await clients().dynamo.send(new QueryCommand({
  TableName: stack().resources['table:social']!, IndexName: 'by_user', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${ada.sub}` },
}))).Items ?? [];
const feedPath = (user: TestUser, token: string) => `/user/${user.sub}/calendar.ics?token=${token}`;

beforeAll(async () => {
  [ada, bob] = await Promise.all([newUser('ada'), newUser('bob')]);
  await api('/user', { token: ada.idToken, body: { email: ada.email, username: 'Ada', time_zone: 'Europe/Berlin' } });
  await api('/user', { token: bob.idToken, body: { email: bob.email, username: 'Bob', time_zone: 'America/Vancouver' } });
});

describe('calendar import', () => {
  it('imports Google Calendar\'s export, and a second import of the same file changes nothing', async () => {
    const first = await api(`/user/${ada.sub}/calendar_import`, { token: ada.idToken, headers: ics, body: google });
    expect(first).toMatchObject({ status: 200, body: { response: { created: 6, updated: 0, unchanged: 0, skipped: [] } } });
    const items = await adaEvents();
    expect(items).toHaveLength(6);
    const again = await api(`/user/${ada.sub}/calendar_import`, { token: ada.idToken, headers: ics, body: google });
    expect(again.body.response).toEqual({ created: 0, updated: 0, unchanged: 6, skipped: [] });
    expect(await adaEvents()).toEqual(items);
  });

  it('refuses a malformed file with a 400 saying where the parse stopped, and writes nothing', async () => {
    const before = await adaEvents();
    const broken = `${google.replace('END:VCALENDAR\r\n', '')}BEGIN:VEVENT\r\nUID:half\r\nDTSTART:20260301T100000Z\r\n`;
    const answer = await api(`/user/${ada.sub}/calendar_import`, { token: ada.idToken, headers: ics, body: broken });
    expect(answer).toMatchObject({ status: 400, body: { response: null, message: expect.stringMatching(/not valid iCalendar.*at the end of the file/) } });
    expect(await adaEvents()).toEqual(before);
    expect(await api(`/user/${bob.sub}/calendar_import`, { token: ada.idToken, headers: ics, body: google })).toMatchObject({ status: 403, body: { response: null } });
  });

  it('honours imported recurrences and their exceptions in free slots', async () => {
    const slots = async (from: string, to: string) => (await api(`/user/${ada.sub}/free_slots?from=${from}&to=${to}`, { token: ada.idToken })).body.response;
    // 10 April is an EXDATE of the monthly review; 10 March is not.
    expect(await slots('2026-03-10T12:00:00Z', '2026-03-10T15:00:00Z')).toHaveLength(2);
    expect(await slots('2026-04-10T11:00:00Z', '2026-04-10T14:00:00Z')).toHaveLength(1);
  });
});

describe('the feed', () => {
  let token: string;

  it('is subscribed to with the feed token: text/calendar, an ETag, 304 when unchanged', async () => {
    const created = await api(`/user/${ada.sub}/calendar_token`, { token: ada.idToken, body: {} });
    expect(created.status).toBe(201);
    token = created.body.response.token;
    expect(created.body.response.feed_url).toBe(`${stack().api}${feedPath(ada, token)}`);
    const feed = await api(feedPath(ada, token));
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const parsed = new ICAL.Component(ICAL.parse(feed.body as string));
    expect(parsed.getAllSubcomponents('vevent').length).toBeGreaterThanOrEqual(6);
    const etag = feed.headers.get('etag')!;
    const unchanged = await api(feedPath(ada, token), { headers: { 'if-none-match': etag } });
    expect([unchanged.status, unchanged.raw.length]).toEqual([304, 0]);
  });

  it('stops working at once when the token is replaced; another user\'s id is refused', async () => {
    const rotated = await api(`/user/${ada.sub}/calendar_token`, { token: ada.idToken, body: {} });
    expect((await api(feedPath(ada, token))).status).toBe(404);
    expect((await api(feedPath(ada, rotated.body.response.token))).status).toBe(200);
    token = rotated.body.response.token;
    expect((await api(`/user/${ada.sub}/calendar_token`, { token: bob.idToken, body: {} })).status).toBe(403);
    expect((await api(feedPath(bob, token))).status).toBe(404);
  });

  it('round trip: Bob imports Ada\'s feed and gets her free slots, across the spring DST changes', async () => {
    // Ada's own weekly events in two zones, and a single event, on top of her imported ones.
    await api('/event', { token: ada.idToken, body: { name: 'work', start_time: '9:00', end_time: '17:00', single_event: false, repeat_days: [1, 2, 3, 4, 5], owner: ada.sub, weight: 5 } });
    await api('/event', { token: ada.idToken, body: { name: 'call', start_time: '8:00', end_time: '8:45', single_event: false, repeat_days: [2, 4], owner: ada.sub, time_zone: 'America/Vancouver', weight: 2 } });
    await api('/event', { token: ada.idToken, body: { name: 'flight', start_time: Date.parse('2027-03-27T06:00:00Z') / 1000, end_time: Date.parse('2027-03-27T09:30:00Z') / 1000, single_event: true, owner: ada.sub } });
    const feed = await api(feedPath(ada, token));
    const imported = await api(`/user/${bob.sub}/calendar_import`, { token: bob.idToken, headers: ics, body: feed.raw });
    expect(imported.body.response).toMatchObject({ created: 9, skipped: [] });
    // Vancouver changes on 14 March 2027, Berlin on 28 March.
    for (const query of ['from=2027-03-08T00:00:00Z&to=2027-04-05T00:00:00Z', 'from=2027-03-08T00:00:00Z&to=2027-04-05T00:00:00Z&max_weight=2']) {
      const mine = (await api(`/user/${ada.sub}/free_slots?${query}`, { token: ada.idToken })).body.response;
      const theirs = (await api(`/user/${bob.sub}/free_slots?${query}`, { token: bob.idToken })).body.response;
      expect(mine.length).toBeGreaterThan(20);
      expect(theirs).toEqual(mine);
    }
  });
});
