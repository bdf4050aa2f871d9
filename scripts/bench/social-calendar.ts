/**
 * iCalendar import and feed (functions/social/lib/calendar/*.ts): the import of a 2,000-event .ics file
 * (single, weekly, monthly with COUNT and EXDATE, all-day, in three zones) compared with bare ical.js
 * parsing of the same file (`ICAL.parse`, the floor: every import parses the file), and the feed build
 * for a user with 500 events. The import path is the route's domain call, `importCalendar`, with the
 * table replaced by an in-memory map (DynamoDB's latency is not the import's): parse, read every
 * VEVENT, resolve zones and wall-clock times, build the records, compare with the stored ones.
 * Prints wall-clock p50/p99 and CPU p50 of each, and the ratio of CPU times (goal <= 2x).
 */
import ICAL from 'ical.js';
import type { Caller } from '@darkroom/jwt';
import { buildFeed, type FeedEvent } from '../../functions/social/lib/calendar/feed';
import { importCalendar } from '../../functions/social/lib/calendar/import';
import type { CalendarDeps } from '../../functions/social/lib/calendar/repository';
import { buildEvent, type EventRecord } from '../../functions/social/lib/events/model';
import type { Profile } from '../../functions/social/lib/profiles/model';
import { random } from './random';

const ZONES = ['Europe/Berlin', 'America/Vancouver', 'Asia/Tokyo'];
const NOW = Date.parse('2026-12-01T00:00:00Z');

const two = (n: number) => String(n).padStart(2, '0');
const local = (ms: number) => { const d = new Date(ms); return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}00`; };

/** A file as calendar apps export it: VTIMEZONEs, then `count` VEVENTs of every kind the import handles. */
function icsFile(count: number): string {
  const next = random(7);
  const pick = (n: number) => Math.floor(next() * n);
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Darkroom//bench//EN', 'X-WR-CALNAME:Bench'];
  for (let i = 0; i < count; i++) {
    const zone = ZONES[pick(ZONES.length)]!;
    const start = Date.UTC(2026, pick(12), 1 + pick(28), 6 + pick(12), pick(4) * 15);
    const end = start + (1 + pick(8)) * 15 * 60_000;
    const kind = i % 5;
    lines.push('BEGIN:VEVENT', `UID:bench-${i}@example.com`, 'DTSTAMP:20261201T000000Z', `SUMMARY:Event ${i}`, `DESCRIPTION:Generated event number ${i} for the import bench`);
    if (kind === 4) {
      const day = local(start).slice(0, 8);
      lines.push(`DTSTART;VALUE=DATE:${day}`, `DTEND;VALUE=DATE:${local(start + 86_400_000).slice(0, 8)}`);
    } else {
      lines.push(`DTSTART;TZID=${zone}:${local(start)}`, `DTEND;TZID=${zone}:${local(end)}`);
    }
    if (kind === 1) lines.push(`RRULE:FREQ=WEEKLY;BYDAY=${['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][new Date(start).getUTCDay()]};UNTIL=20271231T235959Z`);
    if (kind === 2) lines.push('RRULE:FREQ=MONTHLY;COUNT=12', `EXDATE;TZID=${zone}:${local(start + 31 * 86_400_000)}`);
    if (kind === 3 && i % 2) lines.push('TRANSP:TRANSPARENT');
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

/** The import's dependencies with the table as a map, and the profile of its user. */
function memoryDeps(): CalendarDeps & { stored: Map<string, EventRecord> } {
  const stored = new Map<string, EventRecord>();
  const profile: Profile = { id: 'u', username: 'u', email: 'u@example.com', time_zone: 'Europe/Berlin', created_at: '' };
  return {
    stored,
    now: () => NOW,
    profiles: { getProfile: async () => profile } as never,
    events: { getEvents: async (ids: string[]) => ids.flatMap((id) => stored.has(id) ? [stored.get(id)!] : []) } as never,
    chat: {} as never,
    calendar: {
      putImported: async (created, updated) => { for (const event of [...created, ...updated]) stored.set(event.id, event); },
      getFeedToken: async () => undefined, putFeedToken: async () => undefined,
    },
  };
}

/** p50 and p99 of a list of times, ms. */
function quantiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99) };
}
interface Figures { wall: { p50: number; p99: number }; cpu: { p50: number; p99: number } }
const line = (label: string, { wall, cpu }: Figures) =>
  console.log(`  ${label.padEnd(44)} p50 ${wall.p50.toFixed(1).padStart(7)} ms   p99 ${wall.p99.toFixed(1).padStart(7)} ms   CPU p50 ${cpu.p50.toFixed(1).padStart(7)} ms`);
/** This process's CPU time (user + system, every thread), ms. */
const cpuMs = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };

/**
 * Runs each body once per round, in turn, so that every one meets the same machine load; 3 warm-up
 * rounds. Wall time and the process's CPU time of each run: on a shared machine (CI, 2 cores) the CPU
 * time is the steadier of the two, and the ratio is taken from it.
 */
async function interleaved(runs: number, bodies: Record<string, () => unknown>): Promise<Record<string, Figures>> {
  const wall: Record<string, number[]> = Object.fromEntries(Object.keys(bodies).map((name) => [name, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(bodies).map((name) => [name, []]));
  for (let round = 0; round < runs + 3; round++) {
    for (const [name, body] of Object.entries(bodies)) {
      const started = performance.now();
      const startedCpu = cpuMs();
      await body();
      if (round >= 3) { wall[name]!.push(performance.now() - started); cpu[name]!.push(cpuMs() - startedCpu); }
    }
  }
  return Object.fromEntries(Object.keys(bodies).map((name) => [name, { wall: quantiles(wall[name]!), cpu: quantiles(cpu[name]!) }]));
}

(async () => {
  const file = icsFile(2000);
  const caller = { sub: 'u', email: 'u@example.com' } as Caller;
  const request = { body: file, contentType: 'text/calendar' };
  console.log(`calendar import: ${(Buffer.byteLength(file) / 1024).toFixed(0)} KiB, 2,000 VEVENTs (single, weekly, monthly COUNT+EXDATE, all-day; 3 zones):`);
  const warm = memoryDeps();
  await importCalendar(warm, caller, 'u', request);
  const result = await interleaved(20, {
    bare: () => ICAL.parse(file),
    first: () => importCalendar(memoryDeps(), caller, 'u', request),
    again: () => importCalendar(warm, caller, 'u', request),
  });
  line('ical.js alone (ICAL.parse)', result.bare!);
  line('import into an empty calendar', result.first!);
  line('the same file again (all unchanged)', result.again!);
  const ratio = (name: 'first' | 'again') => (result[name]!.cpu.p50 / result.bare!.cpu.p50).toFixed(2);
  console.log(`  ratio to ical.js alone (CPU p50): first import ${ratio('first')}x, again ${ratio('again')}x (goal <= 2x)`);

  const owner: Profile = { id: 'u', username: 'u', email: 'u@example.com', time_zone: 'Europe/Berlin', created_at: '' };
  const next = random(11);
  const events: FeedEvent[] = Array.from({ length: 500 }, (_, i) => {
    const zone = ZONES[i % ZONES.length]!;
    const event = i % 2
      ? buildEvent({ name: `weekly ${i}`, start_time: `${8 + (i % 10)}:00`, end_time: `${9 + (i % 10)}:30`, single_event: false, repeat_days: [i % 7, (i + 3) % 7], repeat_until: NOW / 1000 + 200 * 86_400, owner: 'u', time_zone: zone }, `w${i}`, 'u', owner, NOW)
      : (() => {
        const start = NOW / 1000 + Math.floor(next() * 90 * 86_400);
        return buildEvent({ name: `single ${i}`, start_time: start, end_time: start + 3600, single_event: true, owner: 'u', time_zone: zone }, `s${i}`, 'u', owner, NOW);
      })();
    return { event, members: [{ event_id: event.id, user: 'u', role: 'owner', status: 'accepted', updated_at: '2026-12-01T00:00:00.000Z' }] };
  });
  console.log('calendar feed: a user with 500 events (half weekly, half single; 3 zones):');
  const feed = await interleaved(10, { feed: () => buildFeed({ owner, events, people: new Map([['u', owner]]), baseUrl: 'https://api.example.com' }) });
  line('feed build (ical-generator, VTIMEZONEs, ETag)', feed.feed!);
})();
