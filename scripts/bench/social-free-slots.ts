/**
 * Free-slot computation (functions/social/lib): one user with 200 weekly recurring events and 500
 * single events over a 90-day range, and a 10-person common-slot search (10 such calendars), compared
 * with the time rrule alone takes to expand the same recurrences (the floor: every occurrence has to be
 * generated). The Darkroom path includes compiling each recurrence, expanding it, converting every
 * occurrence's wall-clock time in its own zone with luxon, and the sweep. Prints p50/p99 and the ratio
 * (goal <= 2x).
 */
import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import { busyIntervals, type EventRecord } from '../../functions/social/lib/events/model';
import { commonFreeSlots, freeSlots } from '../../functions/social/lib/events/slots';
import { random } from './random';

const ZONES = ['Europe/Berlin', 'America/Vancouver', 'UTC', 'Asia/Tokyo'];
const FROM = Date.parse('2026-03-01T00:00:00Z'); // spans the spring DST changes of Berlin and Vancouver
const TO = FROM + 90 * 86_400_000;
const WEEKDAYS = [RRule.SU, RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA];


function calendar(seed: number, recurring = 200, single = 500): EventRecord[] {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const base = { description: '', owner: 'u', google: false, accepted: ['u'], invited: [], created_at: '' };
  const events: EventRecord[] = [];
  for (let i = 0; i < recurring; i++) {
    const start = pick(24 * 4) * 15;
    const end = (start + 30 + pick(8) * 15) % 1440;
    const days = [...new Set(Array.from({ length: 1 + pick(3) }, () => pick(7)))];
    events.push({
      ...base, id: `r${i}`, name: 'r', single_event: false, weight: 1 + pick(5), time_zone: ZONES[pick(ZONES.length)]!,
      start_time: `${Math.floor(start / 60)}:${String(start % 60).padStart(2, '0')}`, end_time: `${Math.floor(end / 60)}:${String(end % 60).padStart(2, '0')}`,
      repeat_days: days, repeat_from: (FROM - pick(60) * 86_400_000) / 1000, repeat_until: (TO + pick(60) * 86_400_000) / 1000,
    });
  }
  for (let i = 0; i < single; i++) {
    const start = Math.floor((FROM + next() * (TO - FROM)) / 1000);
    events.push({ ...base, id: `s${i}`, name: 's', single_event: true, weight: 1 + pick(5), time_zone: 'UTC', start, end: start + 900 + pick(16) * 900 });
  }
  return events;
}

/**
 * rrule alone: the same weekly rules over floating local times (dtstart and until precomputed, outside
 * the timing), built and expanded over the same window.
 */
function rruleInputs(events: EventRecord[]) {
  return events.filter((event) => !event.single_event).map((event) => {
    const [h, m] = event.start_time!.split(':').map(Number);
    const first = DateTime.fromSeconds(event.repeat_from!, { zone: event.time_zone }).startOf('day');
    const until = DateTime.fromSeconds(event.repeat_until!, { zone: event.time_zone });
    return {
      byweekday: event.repeat_days!.map((d) => WEEKDAYS[d]!),
      dtstart: new Date(Date.UTC(first.year, first.month - 1, first.day, h, m)),
      until: new Date(Date.UTC(until.year, until.month - 1, until.day, until.hour, until.minute)),
    };
  });
}
function rruleOnly(inputs: ReturnType<typeof rruleInputs>): number {
  let count = 0;
  for (const input of inputs) {
    count += new RRule({ freq: RRule.WEEKLY, ...input }).between(new Date(FROM - 2 * 86_400_000), new Date(TO + 86_400_000), true).length;
  }
  return count;
}

/** Fresh record objects, as a request reads them from DynamoDB (so each run compiles its rules). */
const fresh = (events: EventRecord[]) => events.map((event) => ({ ...event }));

/** `npm run bench -- --quick`: a fifth of the runs and one warm-up. */
const QUICK = process.env.DARKROOM_BENCH_QUICK === '1';

function measure(label: string, fullRuns: number, body: () => unknown): { p50: number; p99: number } {
  const runs = QUICK ? Math.max(2, Math.ceil(fullRuns / 5)) : fullRuns;
  for (let i = 0; i < (QUICK ? 1 : 3); i++) body();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    body();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  const result = { p50: at(0.5), p99: at(0.99) };
  console.log(`  ${label.padEnd(44)} p50 ${result.p50.toFixed(1).padStart(7)} ms   p99 ${result.p99.toFixed(1).padStart(7)} ms`);
  return result;
}

const options = { minDuration: 30 * 60_000, maxWeight: 2 };
const one = calendar(1);
const group = Array.from({ length: 10 }, (_, i) => calendar(100 + i));
const occurrences = busyIntervals(fresh(one), FROM, TO).length;
console.log(`free slots, 90 days: one user with 200 weekly + 500 single events (${occurrences} intervals), and 10 such users:`);
const single = measure('one user: free slots', 40, () => freeSlots(busyIntervals(fresh(one), FROM, TO), { from: FROM, to: TO }, options));
const oneRules = rruleInputs(one);
const singleRrule = measure('one user: rrule alone (same 200 rules)', 40, () => rruleOnly(oneRules));
const common = measure('10 users: common slots', 10, () => commonFreeSlots(group.map((events) => busyIntervals(fresh(events), FROM, TO)), { from: FROM, to: TO }, options));
const groupRules = group.map(rruleInputs);
const commonRrule = measure('10 users: rrule alone (same 2,000 rules)', 10, () => groupRules.reduce((sum, rules) => sum + rruleOnly(rules), 0));
console.log(`  ratio to rrule alone (p50): one user ${(single.p50 / singleRrule.p50).toFixed(2)}x, 10 users ${(common.p50 / commonRrule.p50).toFixed(2)}x (goal <= 2x)`);
