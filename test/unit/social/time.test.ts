import { DateTime } from 'luxon';
import { buildEvent, busyIntervals, eventView, type EventInput, type EventRecord } from '../../../functions/social/lib/events/model';
import { freeSlots } from '../../../functions/social/lib/events/slots';
import { IANAZone } from 'luxon';
import { compileRecurrence, expandRecurrence, parseClock, parseInstant, wallClockInstant, type Recurrence } from '../../../functions/social/lib/events/recurrence';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone });
const seconds = (iso: string, zone: string) => Math.floor(at(iso, zone).toSeconds());
const local = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd HH:mm ZZ");
const expand = (recurrence: Recurrence, fromIso: string, toIso: string) =>
  expandRecurrence(compileRecurrence(recurrence), at(fromIso, recurrence.time_zone).toMillis(), at(toIso, recurrence.time_zone).toMillis());
const daily = [0, 1, 2, 3, 4, 5, 6];

describe('clock times and instants', () => {
  it.each([['0:00', 0], ['9:05', 545], ['09:05', 545], ['23:59', 1439]])('reads %s', (clock, minutes) => {
    expect(parseClock(clock, 'start_time')).toBe(minutes);
  });
  it.each(['25:00', '24:00', '9:5', '9:60', '-1:00', '9', '', '12:00pm'])('refuses %j', (clock) => {
    expect(() => parseClock(clock, 'start_time')).toThrow(/start_time must be a clock time/);
  });
  it('reads unix seconds and ISO 8601 (UTC without an offset)', () => {
    expect(parseInstant('1700000000', 'from')).toBe(1_700_000_000_000);
    expect(parseInstant(1700000000, 'from')).toBe(1_700_000_000_000);
    expect(parseInstant('2026-03-08T09:00:00-07:00', 'from')).toBe(Date.parse('2026-03-08T16:00:00Z'));
    expect(parseInstant('2026-03-08T09:00', 'from')).toBe(Date.parse('2026-03-08T09:00:00Z'));
    expect(() => parseInstant('next tuesday', 'from')).toThrow(/from must be/);
  });
});

describe.each([
  // zone, the spring-forward Sunday, the fall-back Sunday (2026)
  ['America/Vancouver', '2026-03-08', '2026-11-01'],
  ['Europe/Berlin', '2026-03-29', '2026-10-25'],
])('recurrences in %s', (zone, spring, fall) => {
  const week = (sunday: string) => ({ from: at(sunday, zone).minus({ days: 3 }).toISODate()!, to: at(sunday, zone).plus({ days: 4 }).toISODate()! });

  it.each([['spring-forward', spring], ['fall-back', fall]])('keeps a daily 9:00-10:00 at 9:00 local through the %s week', (_, sunday) => {
    const { from, to } = week(sunday);
    const occurrences = expand({ start_time: '9:00', end_time: '10:00', repeat_days: daily, repeat_from: seconds(from, zone), time_zone: zone }, from, to);
    expect(occurrences).toHaveLength(7);
    for (const o of occurrences) {
      expect(DateTime.fromMillis(o.start, { zone }).toFormat('HH:mm')).toBe('09:00');
      expect(o.end - o.start).toBe(3_600_000);
    }
    // The UTC time moves by an hour across the change.
    const offsets = new Set(occurrences.map((o) => DateTime.fromMillis(o.start, { zone }).offset));
    expect(offsets.size).toBe(2);
  });

  it.each([['spring-forward', spring, 7], ['fall-back', fall, 9]])('makes a Saturday 22:00-6:00 night last its wall-clock hours in the %s night', (_, sunday, hours) => {
    const { from, to } = week(sunday);
    const [night] = expand({ start_time: '22:00', end_time: '6:00', repeat_days: [6], repeat_from: seconds(from, zone), time_zone: zone }, from, to);
    expect(local(night!.start, zone).slice(0, 16)).toBe(`${at(sunday, zone).minus({ days: 1 }).toISODate()} 22:00`);
    expect(local(night!.end, zone).slice(0, 16)).toBe(`${sunday} 06:00`);
    expect((night!.end - night!.start) / 3_600_000).toBe(hours);
  });

  it('moves a time in the spring gap forward, as the wall clock does', () => {
    const [gap] = expand({ start_time: '2:30', end_time: '3:30', repeat_days: [0], repeat_from: seconds(spring, zone), time_zone: zone }, spring, at(spring, zone).plus({ days: 1 }).toISODate()!);
    expect(DateTime.fromMillis(gap!.start, { zone }).toFormat('HH:mm')).toBe('03:30');
  });

  it('frees the right hours of the DST week', () => {
    const { from, to } = week(spring);
    const event = buildEvent(
      { name: 'standup', start_time: '9:00', end_time: '17:00', single_event: false, repeat_days: [1, 2, 3, 4, 5], owner: 'u1', time_zone: zone, repeat_from: seconds(from, zone) },
      'e1', 'u1', { email: 'u1@example.com', time_zone: 'UTC' }, at(from, zone).toMillis(),
    );
    const range = { from: at(from, zone).toMillis(), to: at(to, zone).toMillis() };
    const slots = freeSlots(busyIntervals([event], range.from, range.to), range, { minDuration: 30 * 60_000, maxWeight: 0 });
    // Every slot boundary inside the range is 9:00 or 17:00 local, before and after the change.
    for (const slot of slots) {
      if (slot.start !== range.from) expect(DateTime.fromMillis(slot.start, { zone }).toFormat('HH:mm')).toBe('17:00');
      if (slot.end !== range.to) expect(DateTime.fromMillis(slot.end, { zone }).toFormat('HH:mm')).toBe('09:00');
    }
    expect(slots.length).toBeGreaterThanOrEqual(4);
  });
});

describe('wall-clock times to instants (RFC 5545 §3.3.5, luxon offsets)', () => {
  it.each([
    ['America/Vancouver', ['2026-03-08', '2026-11-01']],
    ['Europe/Berlin', ['2026-03-29', '2026-10-25']],
    ['Australia/Lord_Howe', ['2026-04-05', '2026-10-04']],
    ['America/Santiago', ['2026-04-05', '2026-09-06']],
    ['Asia/Kolkata', ['2026-03-29']],
  ])('resolves every minute of the DST days in %s as RFC 5545 says', (zone, days) => {
    const iana = IANAZone.create(zone);
    const fields = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
    let gaps = 0;
    let repeats = 0;
    for (const day of days) {
      const midnight = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
      for (let minute = 0; minute < 3 * 1440; minute += 1) {
        const local = midnight + minute * 60_000;
        const wanted = new Date(local).toISOString().slice(0, 16).replace('T', ' ');
        const instant = wallClockInstant(iana, local);
        const d = new Date(local);
        const luxon = DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() }, { zone }).toMillis();
        if (fields(instant) !== wanted) {
          // In the gap: moved forward, as luxon does.
          gaps++;
          if (instant !== luxon) throw new Error(`${zone} ${wanted} (gap): ${instant} != ${luxon}`);
        } else if ([30, 60].some((shift) => fields(instant - shift * 60_000) === wanted)) {
          throw new Error(`${zone} ${wanted}: not the first occurrence`);
        } else if (fields(instant + 30 * 60_000) === wanted || fields(instant + 60 * 60_000) === wanted) {
          repeats++;
        }
      }
    }
    if (zone !== 'Asia/Kolkata') expect([gaps > 0, repeats > 0]).toEqual([true, true]);
    else expect([gaps, repeats]).toEqual([0, 0]);
  });
});

describe('repeat_until', () => {
  const zone = 'Europe/Berlin';
  it('includes an occurrence that starts exactly at repeat_until (RFC 5545 UNTIL is inclusive)', () => {
    const base = { start_time: '18:00', end_time: '19:00', repeat_days: [3], repeat_from: seconds('2026-06-01', zone), time_zone: zone };
    const inclusive = expand({ ...base, repeat_until: seconds('2026-06-17T18:00', zone) }, '2026-06-01', '2026-07-01');
    expect(inclusive.map((o) => local(o.start, zone).slice(0, 10))).toEqual(['2026-06-03', '2026-06-10', '2026-06-17']);
    const before = expand({ ...base, repeat_until: seconds('2026-06-17T17:59', zone) }, '2026-06-01', '2026-07-01');
    expect(before).toHaveLength(2);
  });

  it('refuses a recurrence that would never happen', () => {
    expect(() => compileRecurrence({
      start_time: '18:00', end_time: '19:00', repeat_days: [3], repeat_from: seconds('2026-06-01', zone), repeat_until: seconds('2026-06-03T17:00', zone), time_zone: zone,
    })).toThrow(/repeat_until is before the first occurrence/);
  });
});

describe('POST /event bodies (buildEvent)', () => {
  const profile = { email: 'ada@example.com', time_zone: 'America/Vancouver' };
  const now = Date.parse('2026-06-01T12:00:00Z');
  const recurring: EventInput = { name: 'gym', start_time: '7:00', end_time: '8:00', single_event: false, repeat_days: [1, 3], repeat_until: 1_900_000_000, owner: 'u1' };
  const build = (input: Partial<EventInput>) => buildEvent({ ...recurring, ...input } as EventInput, 'e1', 'u1', profile, now);

  it('defaults the zone to the profile\'s, the weight to 3 and the start to today; accepts the e-mail as owner', () => {
    const event = build({ owner: 'ADA@example.com' });
    expect(event).toMatchObject({ owner: 'u1', time_zone: 'America/Vancouver', weight: 3, repeat_from: now / 1000, accepted: ['u1'], invited: [] });
  });

  it.each([
    [{ owner: 'someone-else' }, 403, /owner must be the caller/],
    [{ start_time: '25:00' }, 400, /start_time must be a clock time/],
    [{ end_time: '7:00' }, 400, /end_time must differ/],
    [{ repeat_days: [] }, 400, /repeat_days is required/],
    [{ repeat_days: [7] }, 400, /repeat_days must list weekdays/],
    [{ repeat_until: now / 1000 - 86_400 }, 400, /repeat_until is before the start/],
    [{ time_zone: 'Mars/Olympus' }, 400, /time_zone must be an IANA/],
    [{ start_time: 1_800_000_000 }, 400, /clock times/],
    [{ single_event: true, start_time: 1_800_003_600, end_time: 1_800_000_000 }, 400, /end_time must be after start_time/],
    [{ single_event: true, start_time: 1_800_000_000, end_time: 1_900_000_000 }, 400, /at most 31 days/],
    [{ single_event: true, start_time: '9:00', end_time: '10:00' }, 400, /unix timestamp/],
  ])('refuses %j with %i', (input, status, message) => {
    let error: unknown;
    try { build(input as Partial<EventInput>); } catch (caught) { error = caught; }
    expect(error).toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
  });

  it('takes a single event as unix timestamps (numbers or digit strings)', () => {
    const event = build({ single_event: true, start_time: '1800000000', end_time: 1_800_003_600, repeat_days: undefined });
    expect(event).toMatchObject({ start: 1_800_000_000, end: 1_800_003_600, single_event: true });
  });
});

describe('event status (eventView)', () => {
  const single = { id: 'e1', name: 'x', description: '', owner: 'u1', single_event: true, weight: 3, google: false, time_zone: 'UTC', start: 1000, end: 4600, accepted: ['u1'], invited: [], created_at: '' } as EventRecord;
  it.each([[500_000, 'pending'], [1_000_000, 'active'], [4_599_999, 'active'], [4_600_000, 'passed']])('at %i ms a single event is %s', (now, status) => {
    expect(eventView(single, now)).toMatchObject({ status, start_time: 1000, duration: 3600, chat_url: '/chat/e1/messages', recurrence: null });
  });

  it('reports a recurring event\'s current or next occurrence, and passed after its last', () => {
    const zone = 'Europe/Berlin';
    const event = buildEvent(
      { name: 'choir', start_time: '19:00', end_time: '21:00', single_event: false, repeat_days: [2], repeat_from: seconds('2026-06-01', zone), repeat_until: seconds('2026-06-30T23:59', zone), owner: 'u1', time_zone: zone },
      'e2', 'u1', { email: 'u1@x', time_zone: 'UTC' }, Date.parse('2026-05-01T00:00:00Z'),
    );
    const pending = eventView(event, at('2026-06-03T12:00', zone).toMillis());
    expect(pending).toMatchObject({ status: 'pending', start_time: seconds('2026-06-09T19:00', zone), duration: 7200 });
    expect(eventView(event, at('2026-06-09T20:00', zone).toMillis())).toMatchObject({ status: 'active', start_time: seconds('2026-06-09T19:00', zone) });
    expect(eventView(event, at('2026-07-10T12:00', zone).toMillis())).toMatchObject({ status: 'passed', start_time: seconds('2026-06-30T19:00', zone) });
    const early = eventView(event, at('2026-05-01T12:00', zone).toMillis());
    expect(early).toMatchObject({ status: 'pending', start_time: seconds('2026-06-02T19:00', zone), duration: 7200 });
    expect(pending.recurrence).toEqual({ start_time: '19:00', end_time: '21:00', repeat_days: [2], repeat_from: seconds('2026-06-01', zone), repeat_until: seconds('2026-06-30T23:59', zone) });
  });
});
