/**
 * iCalendar import and feed as pure functions: the sample files of Google Calendar, Apple Calendar and
 * Outlook (test/fixtures/calendar), the busy time of their recurrences, the feed's conformance
 * (re-parsed by ical.js, one VTIMEZONE per zone, UNTIL in UTC), and the round trip export -> import
 * giving the same free slots across the DST changes of Europe/Berlin and America/Vancouver.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { buildFeed, matchesEtag, type FeedEvent } from '../../../functions/social/lib/calendar/feed';
import { importedEventId, readCalendar } from '../../../functions/social/lib/calendar/import';
import { busyIntervals, buildEvent, eventView, type EventInput, type EventRecord } from '../../../functions/social/lib/events/model';
import { freeSlots } from '../../../functions/social/lib/events/slots';
import type { Profile } from '../../../functions/social/lib/profiles/model';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/calendar', `${name}.ics`), 'utf8');
const AT = '2026-03-01T00:00:00.000Z';
const read = (name: string, zone = 'Europe/Berlin') => readCalendar(fixture(name), 'u1', zone, AT);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
/** Busy intervals of `events` in [from, to) as "start/end" ISO minutes, in time order. */
function busy(events: EventRecord[], from: string, to: string) {
  return busyIntervals(events, Date.parse(from), Date.parse(to)).sort((a, b) => a.start - b.start).map((b) => `${iso(b.start)}/${iso(b.end)}`);
}
const byName = (events: EventRecord[], name: string) => events.filter((e) => e.name === name);

describe('import of Google Calendar\'s export', () => {
  const { events, skipped } = read('google');

  it('imports every VEVENT, keyed by UID, as google events naming their calendar', () => {
    expect(skipped).toEqual([]);
    expect(events.map((e) => e.name).sort()).toEqual(['Call', 'Day off', 'Lunch (maybe)', 'Choir', 'Monthly review', 'Standup'].sort());
    for (const event of events) {
      expect(event).toMatchObject({ google: true, owner: 'u1', id: importedEventId('u1', event.ical!.uid), ical: { source: 'Ada Work' } });
    }
  });

  it('holds a plain weekly rule as a recurring event, UNTIL included, 9:00 local across the DST change', () => {
    const [standup] = byName(events, 'Standup');
    expect(standup).toMatchObject({ single_event: false, start_time: '9:00', end_time: '9:30', repeat_days: [1, 3], time_zone: 'Europe/Berlin' });
    expect(standup!.ical!.recurrence).toBeUndefined();
    const times = busy([standup!], '2026-03-23T00:00:00Z', '2026-05-05T00:00:00Z');
    expect(times[0]).toBe('2026-03-23T08:00/2026-03-23T08:30'); // CET
    expect(times[2]).toBe('2026-03-30T07:00/2026-03-30T07:30'); // CEST
    expect(times.at(-1)).toBe('2026-04-29T07:00/2026-04-29T07:30'); // UNTIL 2026-04-29T21:59:59Z
  });

  it('keeps a monthly rule with COUNT and EXDATE, and expands it for free slots', () => {
    const [review] = byName(events, 'Monthly review');
    expect(review!.ical!.recurrence).toMatchObject({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=10;COUNT=4', exdates: ['20260410T140000'] });
    expect(busy([review!], '2026-03-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual([
      '2026-03-10T13:00/2026-03-10T14:00', '2026-05-10T12:00/2026-05-10T13:00', '2026-06-10T12:00/2026-06-10T13:00',
    ]);
  });

  it('keeps INTERVAL=2 with a moved instance and a cancelled one (RECURRENCE-ID)', () => {
    const [choir] = byName(events, 'Choir');
    expect(busy([choir!], '2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z')).toEqual([
      '2026-03-03T17:00/2026-03-03T18:00', '2026-03-17T20:00/2026-03-17T21:00', '2026-04-14T16:00/2026-04-14T17:00', '2026-04-28T16:00/2026-04-28T17:00',
    ]);
  });

  it('blocks an all-day event for the whole local day; a transparent or cancelled one blocks nothing', () => {
    expect(busy(byName(events, 'Day off'), '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual(['2026-03-19T23:00/2026-03-20T23:00']);
    expect(busy([...byName(events, 'Lunch (maybe)'), ...byName(events, 'Call')], '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual([]);
  });

  it('shows a kept recurrence in the event view: its next occurrence and its RRULE', () => {
    const [review] = byName(events, 'Monthly review');
    const view = eventView(review!, Date.parse('2026-04-20T00:00:00Z'));
    expect(view).toMatchObject({ start_time: Date.parse('2026-05-10T12:00:00Z') / 1000, duration: 3600, status: 'pending', recurrence: null, ical: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=10;COUNT=4' } });
    expect(eventView(review!, Date.parse('2026-07-01T00:00:00Z')).status).toBe('passed');
  });
});

describe('import of Apple Calendar\'s and Outlook\'s exports', () => {
  it('Apple: a daily COUNT rule with an EXDATE on the DST day in Vancouver, a yearly all-day trip, a floating dinner', () => {
    const { events, skipped } = read('apple');
    expect(skipped).toEqual([]);
    const run = busy(byName(events, 'Run'), '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    expect(run).toHaveLength(19); // COUNT=20 less one EXDATE
    expect(run.slice(5, 7)).toEqual(['2026-03-07T15:00/2026-03-07T16:00', '2026-03-09T14:00/2026-03-09T15:00']); // PST, then PDT
    expect(busy(byName(events, 'Trip'), '2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z')).toEqual([
      '2026-03-13T23:00/2026-03-15T23:00', '2027-03-13T23:00/2027-03-15T23:00', '2028-03-13T23:00/2028-03-15T23:00',
    ]);
    // Floating: 19:00 in the importing user's zone.
    expect(busy(byName(events, 'Floating dinner'), '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual(['2026-03-09T18:00/2026-03-09T19:30']);
    expect(busy(readCalendar(fixture('apple'), 'u1', 'Asia/Tokyo', AT).events.filter((e) => e.name === 'Floating dinner'), '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'))
      .toEqual(['2026-03-09T10:00/2026-03-09T11:30']);
  });

  it('Outlook: a Windows zone name, a weekly COUNT rule with an EXDATE and a cancelled instance, an all-day event', () => {
    const { events, skipped } = read('outlook', 'UTC');
    expect(skipped).toEqual([]);
    const [planning] = byName(events, 'Planning');
    expect(planning!.time_zone).toBe('Europe/Berlin');
    expect(busy([planning!], '2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual([
      '2026-03-04T09:00/2026-03-04T10:30', '2026-03-11T09:00/2026-03-11T10:30', '2026-04-01T08:00/2026-04-01T09:30', '2026-04-08T08:00/2026-04-08T09:30',
    ]);
    expect(busy(byName(events, 'Training day'), '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual(['2026-03-23T00:00/2026-03-24T00:00']);
  });
});

describe('malformed files and VEVENTs', () => {
  const wrap = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n');

  it.each([
    [wrap('BEGIN:VEVENT', 'UID:a', 'this line has no colon', 'END:VEVENT'), /at line 5/],
    [wrap('BEGIN:VEVENT', 'UID:a'), /at the end of the file/],
    ['hello', /at line 1/],
    ['{"not": "ics"}', /not valid iCalendar|not an iCalendar file/],
  ])('refuses %j with a 400 saying where the parse stopped', (body, where) => {
    let error: { statusCode?: number; message?: string } | undefined;
    try { readCalendar(body, 'u1', 'UTC', AT); } catch (caught) { error = caught as never; }
    expect(error?.statusCode).toBe(400);
    expect(error?.message).toMatch(where);
  });

  it('skips what it cannot hold, with the reason, and imports the rest', () => {
    const { events, skipped } = readCalendar(wrap(
      'BEGIN:VEVENT', 'SUMMARY:no uid', 'DTSTART:20260301T100000Z', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:nostart', 'SUMMARY:x', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:zone', 'DTSTART;TZID=Mars/Olympus:20260301T100000', 'DTEND;TZID=Mars/Olympus:20260301T110000', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:backwards', 'DTSTART:20260301T100000Z', 'DTEND:20260301T090000Z', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:orphan', 'RECURRENCE-ID:20260301T100000Z', 'DTSTART:20260301T110000Z', 'DTEND:20260301T120000Z', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:fine', 'DTSTART:20260301T100000Z', 'DTEND:20260301T110000Z', 'SUMMARY:fine', 'END:VEVENT',
    ), 'u1', 'UTC', AT);
    expect(events.map((e) => e.name)).toEqual(['fine']);
    expect(skipped).toEqual([
      { uid: '', reason: 'no UID' },
      { uid: 'nostart', reason: 'no DTSTART' },
      { uid: 'zone', reason: 'unknown time zone "Mars/Olympus"' },
      { uid: 'backwards', reason: 'it ends before it starts' },
      { uid: 'orphan', reason: 'an instance (RECURRENCE-ID) of a series the file does not hold' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The feed, and the round trip export -> import.

const ada: Profile = { id: 'ada', username: 'Ada', email: 'ada@example.com', time_zone: 'Europe/Berlin', created_at: AT };
const bob: Profile = { id: 'bob', username: 'Bob', email: 'bob@example.com', time_zone: 'America/Vancouver', created_at: AT };
const created = Date.parse('2026-02-01T10:00:00Z');
const make = (id: string, input: Partial<EventInput>) => buildEvent({ name: id, start_time: '9:00', end_time: '10:00', single_event: false, owner: 'ada', ...input } as EventInput, id, 'ada', ada, created);

/** Ada's calendar: weekly events in two zones (one past midnight, one ending), singles, an imported monthly rule. */
function adaCalendar(): EventRecord[] {
  const from = Date.parse('2026-02-02T00:00:00Z') / 1000;
  const imported = read('google').events.filter((e) => ['Monthly review', 'Choir', 'Day off'].includes(e.name)).map((e) => ({ ...e, owner: 'ada', accepted: ['ada'] }));
  return [
    make('work', { repeat_days: [1, 2, 3, 4, 5], start_time: '9:00', end_time: '17:00', repeat_from: from, weight: 5 }),
    make('gym', { repeat_days: [0, 6], start_time: '7:30', end_time: '8:15', repeat_from: from, time_zone: 'America/Vancouver', weight: 2 }),
    make('shift', { repeat_days: [6], start_time: '22:00', end_time: '1:00', repeat_from: from, repeat_until: Date.parse('2026-11-30T00:00:00Z') / 1000 }),
    make('dinner', { single_event: true, start_time: Date.parse('2026-03-28T18:30:00Z') / 1000, end_time: Date.parse('2026-03-28T21:00:00Z') / 1000 }),
    ...imported,
  ];
}
const feedOf = (events: EventRecord[]) => buildFeed({
  owner: ada, people: new Map([[ada.id, ada], [bob.id, bob]]), baseUrl: 'https://api.example.com',
  events: events.map((event): FeedEvent => ({
    event,
    members: [
      { event_id: event.id, user: 'ada', role: 'owner', status: 'accepted', updated_at: AT },
      ...(event.id === 'work' ? [{ event_id: event.id, user: 'bob', role: 'guest' as const, status: 'invited' as const, updated_at: AT }] : []),
    ],
  })),
});

describe('the feed', () => {
  const { body, etag } = feedOf(adaCalendar());
  const calendar = new ICAL.Component(ICAL.parse(body));
  const vevents = calendar.getAllSubcomponents('vevent');

  it('re-parses with ical.js, with one VTIMEZONE per zone the events use', () => {
    const zones = calendar.getAllSubcomponents('vtimezone').map((tz) => tz.getFirstPropertyValue('tzid'));
    expect(zones.sort()).toEqual(['America/Vancouver', 'Europe/Berlin']);
    expect(body.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it('writes weekly rules as FREQ=WEEKLY;BYDAY with UNTIL in UTC, and keeps imported rules as they came', () => {
    const rules = Object.fromEntries(vevents.filter((v) => !v.hasProperty('recurrence-id')).map((v) => [v.getFirstPropertyValue('summary'), v.getFirstProperty('rrule')?.toICALString() ?? null]));
    expect(rules).toMatchObject({
      work: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', shift: 'RRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20261130T000000Z',
      'Monthly review': 'RRULE:FREQ=MONTHLY;BYMONTHDAY=10;COUNT=4', dinner: null,
    });
    expect(body).toMatch(/\r\nDTSTART;TZID=Europe\/Berlin:20260202T090000\r\n/);
    expect(body).toMatch(/\r\nEXDATE;TZID=Europe\/Berlin:20260410T140000\r\n/);
    expect(body).toMatch(/\r\nRECURRENCE-ID;TZID=Europe\/Berlin:20260317T180000\r\n/);
  });

  it('names the organizer, the attendees with PARTSTAT, and the chat URL', () => {
    const work = vevents.find((v) => v.getFirstPropertyValue('summary') === 'work')!;
    expect(work.getFirstPropertyValue('organizer')).toBe('mailto:ada@example.com');
    const attendees = work.getAllProperties('attendee').map((a) => [String(a.getFirstValue()).toLowerCase(), a.getParameter('partstat')]);
    expect(attendees).toEqual([['mailto:ada@example.com', 'ACCEPTED'], ['mailto:bob@example.com', 'NEEDS-ACTION']]);
    expect(work.getFirstPropertyValue('url')).toBe('https://api.example.com/chat/work/messages');
  });

  it('is the same text, and ETag, for the same data; If-None-Match compares weakly', () => {
    const again = feedOf(adaCalendar());
    expect(again.etag).toBe(etag);
    expect(matchesEtag(`W/${etag}, "other"`, etag)).toBe(true);
    expect(matchesEtag('"other"', etag)).toBe(false);
    const changed = adaCalendar();
    changed[0]!.name = 'office';
    expect(feedOf(changed).etag).not.toBe(etag);
  });
});

describe('round trip: Ada\'s feed imported by Bob gives Bob Ada\'s free slots', () => {
  const events = adaCalendar();
  const imported = readCalendar(feedOf(events).body, 'bob', bob.time_zone, AT);

  it('imports every event of the feed', () => {
    expect(imported.skipped).toEqual([]);
    expect(imported.events).toHaveLength(events.length);
    // Weekly events come back as weekly events, with their weights.
    expect(imported.events.find((e) => e.name === 'shift')).toMatchObject({ start_time: '22:00', end_time: '1:00', repeat_days: [6], weight: 3, time_zone: 'Europe/Berlin' });
    expect(imported.events.find((e) => e.name === 'gym')).toMatchObject({ weight: 2, time_zone: 'America/Vancouver' });
  });

  it.each([
    ['spring: Vancouver on 8 March, Berlin on 29 March', '2026-03-02T00:00:00Z', '2026-04-06T00:00:00Z'],
    ['autumn: Berlin on 25 October, Vancouver on 1 November', '2026-10-19T00:00:00Z', '2026-11-09T00:00:00Z'],
  ])('%s', (_, from, to) => {
    const range = { from: Date.parse(from), to: Date.parse(to) };
    for (const maxWeight of [0, 2]) {
      const options = { minDuration: 30 * 60_000, maxWeight };
      const mine = freeSlots(busyIntervals(events, range.from, range.to), range, options);
      const theirs = freeSlots(busyIntervals(imported.events, range.from, range.to), range, options);
      expect(theirs.length).toBeGreaterThan(10);
      expect(theirs).toEqual(mine);
    }
  });

  it('a second export and import is stable: the same records', () => {
    const twice = readCalendar(buildFeed({ owner: bob, people: new Map(), baseUrl: 'https://x', events: imported.events.map((event) => ({ event, members: [] })) }).body, 'bob', bob.time_zone, AT);
    const strip = (list: EventRecord[]) => list.map(({ ical: data, ...rest }) => ({ ...rest, uid: data?.uid, recurrence: data?.recurrence })).sort((a, b) => a.id.localeCompare(b.id));
    expect(strip(twice.events)).toEqual(strip(imported.events));
  });
});
