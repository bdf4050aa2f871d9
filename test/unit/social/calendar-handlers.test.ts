/**
 * The calendar routes as Lambda runs them (Middy stack, JWT layer, validator), over the in-memory social
 * table: feed tokens (owner only, stored hashed, a replaced token stops working), the feed (text/calendar,
 * ETag, 304), and the import (keyed by UID, idempotent, nothing written for a malformed file, free slots
 * that honour imported recurrences).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import ICAL from 'ical.js';
import { httpEvent, lambdaContext } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';
import { memoryTable } from './table';

const table = memoryTable();
let issuer: TestIssuer;
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
const handlers: Record<string, Handler> = {};
const FOLDERS = ['create_user', 'calendar_token', 'calendar_feed', 'calendar_import', 'user_free_slots', 'create_event', 'get_event'];
const google = readFileSync(join(__dirname, '../../fixtures/calendar/google.ics'), 'utf8');

beforeAll(async () => {
  issuer = await startTestIssuer();
  process.env.JWT_ISSUER = issuer.issuer;
  process.env.JWKS_URI = issuer.jwksUri;
  for (const folder of FOLDERS) handlers[folder] = (await import(`../../../functions/social/${folder}/handler`)).handler as Handler;
});
afterAll(() => issuer.close());
beforeEach(async () => {
  table.reset();
  // BatchWriteItem of puts, which the shared fake does not know.
  table.mock.on(BatchWriteCommand).callsFake((input) => {
    for (const request of Object.values(input.RequestItems as Record<string, { PutRequest: { Item: Record<string, unknown> } }[]>)[0]!) {
      const item = request.PutRequest.Item;
      table.items.set(`${String(item.pk)}|${String(item.sk)}`, { ...item });
    }
    return { UnprocessedItems: {} };
  });
  for (const user of ['ada', 'bob']) await call('create_user', { as: user, body: { email: `${user}@example.com`, username: user, time_zone: 'Europe/Berlin' } });
});

interface Call { as?: string; method?: string; body?: unknown; headers?: Record<string, string>; path?: Record<string, string>; query?: Record<string, string> }
async function call(folder: string, options: Call = {}) {
  const token = options.as ? issuer.idToken(options.as) : undefined;
  const method = options.method ?? (['calendar_feed', 'user_free_slots', 'get_event'].includes(folder) ? 'GET' : 'POST');
  const response = await handlers[folder]!(httpEvent({
    method, token, body: options.body, headers: { host: 'api.example.com', ...options.headers }, pathParameters: options.path, query: options.query,
  }), lambdaContext());
  const json = /json/.test(response.headers['Content-Type'] ?? '') ? JSON.parse(response.body) : undefined;
  return { status: response.statusCode, headers: response.headers, json, text: response.body };
}
const importIcs = (as: string, body: string, id = as, contentType = 'text/calendar; charset=utf-8') =>
  call('calendar_import', { as, path: { id }, body, headers: { 'content-type': contentType } });
const newToken = async (as: string) => (await call('calendar_token', { as, path: { id: as } })).json.response as { token: string; feed_url: string };

describe('POST /user/{id}/calendar_token', () => {
  it('creates a token for the owner only, stores its SHA-256, and a new one replaces it at once', async () => {
    const first = await call('calendar_token', { as: 'ada', path: { id: 'ada' } });
    expect(first.status).toBe(201);
    const { token, feed_url } = first.json.response;
    expect(feed_url).toBe(`https://api.example.com/user/ada/calendar.ics?token=${token}`);
    const stored = table.items.get('USER#ada|CALENDAR_TOKEN')!;
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await call('calendar_feed', { path: { id: 'ada' }, query: { token } })).status).toBe(200);

    const second = await newToken('ada');
    expect(second.token).not.toBe(token);
    expect(await call('calendar_feed', { path: { id: 'ada' }, query: { token } })).toMatchObject({ status: 404, json: { response: null, message: expect.stringMatching(/replaced/) } });
    expect((await call('calendar_feed', { path: { id: 'ada' }, query: { token: second.token } })).status).toBe(200);
  });

  it('refuses another user\'s id (403) and an unknown profile (404)', async () => {
    expect((await call('calendar_token', { as: 'bob', path: { id: 'ada' } })).status).toBe(403);
    expect((await call('calendar_token', { as: 'cy', path: { id: 'cy' } })).status).toBe(404);
  });

  it('does not let one user\'s token open another user\'s feed', async () => {
    const { token } = await newToken('ada');
    expect((await call('calendar_feed', { path: { id: 'bob' }, query: { token } })).status).toBe(404);
    expect((await call('calendar_feed', { path: { id: 'bob' }, query: {} })).status).toBe(400);
  });
});

describe('GET /user/{id}/calendar.ics', () => {
  it('answers text/calendar with an ETag, and 304 when If-None-Match holds it', async () => {
    await call('create_event', { as: 'ada', body: { name: 'work', start_time: '9:00', end_time: '17:00', single_event: false, repeat_days: [1, 2, 3, 4, 5], owner: 'ada' } });
    const { token } = await newToken('ada');
    const feed = await call('calendar_feed', { path: { id: 'ada' }, query: { token } });
    expect(feed.status).toBe(200);
    expect(feed.headers['Content-Type']).toBe('text/calendar; charset=utf-8');
    expect(feed.headers.ETag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const calendar = new ICAL.Component(ICAL.parse(feed.text));
    expect(calendar.getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('summary'))).toEqual(['work']);
    expect(feed.text).toContain('URL;VALUE=URI:https://api.example.com/chat/');

    const again = await call('calendar_feed', { path: { id: 'ada' }, query: { token }, headers: { 'if-none-match': feed.headers.ETag! } });
    expect([again.status, again.text, again.headers.ETag]).toEqual([304, '', feed.headers.ETag]);
    await call('create_event', { as: 'ada', body: { name: 'gym', start_time: '7:00', end_time: '8:00', single_event: false, repeat_days: [6], owner: 'ada' } });
    expect((await call('calendar_feed', { path: { id: 'ada' }, query: { token }, headers: { 'if-none-match': feed.headers.ETag! } })).status).toBe(200);
  });
});

describe('POST /user/{id}/calendar_import', () => {
  it('creates events keyed by UID; the same file again changes nothing; a changed file updates', async () => {
    const first = await importIcs('ada', google);
    expect(first).toMatchObject({ status: 200, json: { response: { created: 6, updated: 0, unchanged: 0, skipped: [] } } });
    const snapshot = table.snapshot();
    expect((await importIcs('ada', google)).json.response).toEqual({ created: 0, updated: 0, unchanged: 6, skipped: [] });
    expect(table.snapshot()).toBe(snapshot);
    const renamed = google.replace('SUMMARY:Standup', 'SUMMARY:Stand-up');
    expect((await importIcs('ada', renamed)).json.response).toEqual({ created: 0, updated: 1, unchanged: 5, skipped: [] });
    // Bob's import of the same file makes Bob's own events.
    expect((await importIcs('bob', google)).json.response.created).toBe(6);
  });

  it('reads a base64-encoded body as API Gateway may deliver it, a byte-order mark and all', async () => {
    const answer = await call('calendar_import', { as: 'ada', path: { id: 'ada' }, body: Buffer.from(`\uFEFF${google}`), headers: { 'content-type': 'text/calendar' } });
    expect(answer.json.response).toEqual({ created: 6, updated: 0, unchanged: 0, skipped: [] });
  });

  it('refuses a malformed file with 400 saying where, writing nothing', async () => {
    const before = table.snapshot();
    const broken = google.replace('SUMMARY:Choir\r\n', 'SUMMARY:Choir\r\nthis is no property\r\n');
    const answer = await importIcs('ada', broken);
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/^The calendar is not valid iCalendar \(RFC 5545\): invalid line .* at line \d+$/);
    expect(table.snapshot()).toBe(before);
  });

  it.each([
    ['another user\'s id', { id: 'bob' }, 403, /another user/],
    ['JSON', { contentType: 'application/json' }, 415, /text\/calendar/],
    ['an empty body', { body: '' }, 400, /empty/],
    ['more than 1 MiB', { body: `${google}${' '.repeat(1024 * 1024)}` }, 413, /1 MiB/],
  ])('refuses %s', async (_, change: { id?: string; contentType?: string; body?: string }, status, message) => {
    const before = table.snapshot();
    const answer = await importIcs('ada', change.body ?? google, change.id ?? 'ada', change.contentType);
    expect([answer.status, answer.json.response]).toEqual([status, null]);
    expect(answer.json.message).toMatch(message);
    expect(table.snapshot()).toBe(before);
  });

  it('makes free slots honour the imported recurrences and their exceptions', async () => {
    await importIcs('ada', google);
    const slots = async (from: string, to: string) => (await call('user_free_slots', { as: 'ada', path: { id: 'ada' }, query: { from, to } })).json.response as { start_at: string; end_at: string }[];
    // 10 March (a Tuesday): the monthly review 14:00-15:00 Berlin, nothing else.
    expect(await slots('2026-03-10T12:00:00Z', '2026-03-10T15:00:00Z')).toEqual([
      { start_at: '2026-03-10T12:00:00.000Z', end_at: '2026-03-10T13:00:00.000Z', weight: 0 },
      { start_at: '2026-03-10T14:00:00.000Z', end_at: '2026-03-10T15:00:00.000Z', weight: 0 },
    ]);
    // 10 April is an EXDATE; 31 March's choir is cancelled; 17 March's is moved to 21:00.
    expect(await slots('2026-04-10T11:00:00Z', '2026-04-10T14:00:00Z')).toEqual([{ start_at: '2026-04-10T11:00:00.000Z', end_at: '2026-04-10T14:00:00.000Z', weight: 0 }]);
    expect(await slots('2026-03-31T15:00:00Z', '2026-03-31T18:00:00Z')).toHaveLength(1);
    expect(await slots('2026-03-17T16:00:00Z', '2026-03-17T22:00:00Z')).toEqual([
      { start_at: '2026-03-17T16:00:00.000Z', end_at: '2026-03-17T20:00:00.000Z', weight: 0 },
      { start_at: '2026-03-17T21:00:00.000Z', end_at: '2026-03-17T22:00:00.000Z', weight: 0 },
    ]);
    // The all-day event takes 20 March, local time; the transparent lunch and the cancelled call nothing.
    expect(await slots('2026-03-19T22:00:00Z', '2026-03-21T00:00:00Z')).toEqual([
      { start_at: '2026-03-19T22:00:00.000Z', end_at: '2026-03-19T23:00:00.000Z', weight: 0 },
      { start_at: '2026-03-20T23:00:00.000Z', end_at: '2026-03-21T00:00:00.000Z', weight: 0 },
    ]);
    expect(await slots('2026-03-05T11:00:00Z', '2026-03-05T14:00:00Z')).toHaveLength(1);
    expect(await slots('2026-03-06T11:00:00Z', '2026-03-06T14:00:00Z')).toHaveLength(1);
  });

  it('shows an imported event with its source and UID', async () => {
    await importIcs('ada', google);
    const id = [...table.items.values()].find((item) => item.sk === 'EVENT' && item.name === 'Monthly review')!.id as string;
    const event = (await call('get_event', { as: 'ada', path: { id } })).json.response;
    expect(event).toMatchObject({ google: true, single_event: false, recurrence: null, ical: { uid: 'review-2@google.com', source: 'Ada Work', rrule: 'FREQ=MONTHLY;BYMONTHDAY=10;COUNT=4', exdates: ['20260410T140000'] } });
  });
});
