/**
 * Events imported from iCalendar (RFC 5545) files: what Darkroom keeps of them, and the expansion of
 * the recurrences its weekly event model cannot hold (monthly and yearly rules, COUNT, INTERVAL,
 * EXDATE, RDATE, moved instances, all-day and floating dates) with `rrule`, so that they count as busy
 * in free-slot computation.
 *
 * Expansion works as the weekly model does (lib/time.ts): rrule runs over floating local times (a
 * wall-clock time as the epoch ms of the same fields in UTC), and each occurrence's wall-clock start
 * is then read in the event's zone with {@link wallClockInstant}, so 9:00 stays 9:00 across DST.
 */
import { IANAZone } from 'luxon';
import { RRule, RRuleSet } from 'rrule';
import type { EventRecord } from '../events/model';
import { DAY_MS, offsetAt, wallClockInstant, type Occurrence } from '../events/recurrence';

/**
 * A recurrence kept as the file gave it. Local date-times are `YYYYMMDDTHHMMSS` (timed) or `YYYYMMDD`
 * (all-day), read in the event's `time_zone` (for floating times and dates: the importing user's zone).
 */
export interface KeptRecurrence {
  /** `date`: an all-day event (DTSTART;VALUE=DATE); `date-time`: a timed one. */
  value: 'date' | 'date-time';
  /** DTSTART's local fields. */
  dtstart: string;
  /** Timed events: the exact length of each instance, seconds (RFC 5545 §3.8.5.3). */
  duration_in?: number;
  /** All-day events: the length of each instance in days. */
  duration_days?: number;
  /** The RRULE value as the file gave it (UNTIL in UTC when DTSTART is zoned), absent with RDATEs only. */
  rrule?: string;
  /** EXDATE values (local fields), cancelled instances (RECURRENCE-ID with STATUS:CANCELLED) included. */
  exdates: string[];
  /** RDATE values (local fields). */
  rdates: string[];
  /**
   * Instances the file moved (a VEVENT with RECURRENCE-ID): the local fields of the instance they
   * replace (`recurrence_id`) and their new times, ISO 8601 UTC.
   */
  instances: { recurrence_id: string; start_at: string; end_at: string }[];
}

/** What an imported event keeps of its VEVENT (the `ical` attribute of an event record). */
export interface ImportedCalendarData {
  /** The VEVENT's UID: a second import of the same UID updates the event. */
  uid: string;
  /** The calendar it came from: X-WR-CALNAME, else the PRODID. */
  source: string;
  /** STATUS:CANCELLED: kept, so that a re-import updates it, but it does not block time. */
  cancelled: boolean;
  /** TRANSP:TRANSPARENT: the event does not block time. */
  transparent: boolean;
  /** A recurrence the weekly model cannot hold; absent for single events and weekly rules it holds natively. */
  recurrence?: KeptRecurrence;
}

/** True when the event takes time in free-slot computation: not cancelled, not transparent (RFC 5545 §3.8.2.7, §3.8.1.11). */
export function blocksTime(event: Pick<EventRecord, 'ical'>): boolean {
  return !event.ical || (!event.ical.cancelled && !event.ical.transparent);
}

const LOCAL = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?$/;

/**
 * The floating epoch ms of local fields `YYYYMMDD[THHMMSS]`.
 * @throws Error for anything else (stored values are written by the import, which checks them)
 */
export function floatingMs(local: string): number {
  const match = LOCAL.exec(local);
  if (!match) throw new Error(`not a local date-time: ${local}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

/** Local fields `YYYYMMDDTHHMMSS` (or `YYYYMMDD` with `date`) of a floating epoch ms. */
export function localFields(floating: number, date = false): string {
  const iso = new Date(floating).toISOString();
  const day = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
  return date ? day : `${day}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** A kept recurrence compiled once: the rrule set over floating times and what turns its dates into occurrences. */
interface CompiledKept {
  set: RRuleSet;
  zone: IANAZone;
  /** Longest instance, ms (how far before a window an occurrence may start and still overlap it). */
  reach: number;
  toOccurrence(floating: number): Occurrence;
  moved: Occurrence[];
}

const compiledKept = new WeakMap<KeptRecurrence, CompiledKept>();

/**
 * Compiles a kept recurrence. UNTIL given in UTC (`...Z`, as RFC 5545 requires with a zoned DTSTART) is
 * turned into the floating time of the same instant in the zone, so rrule compares like with like.
 */
function compileKept(recurrence: KeptRecurrence, timeZone: string): CompiledKept {
  let compiled = compiledKept.get(recurrence);
  if (compiled) return compiled;
  const zone = IANAZone.create(timeZone);
  const dtstart = new Date(floatingMs(recurrence.dtstart));
  const set = new RRuleSet();
  if (recurrence.rrule) {
    const options = RRule.parseString(recurrence.rrule);
    if (options.until && /UNTIL=\d{8}T\d{6}Z/i.test(recurrence.rrule)) {
      options.until = new Date(options.until.getTime() + zone.offset(options.until.getTime()) * 60_000);
    }
    set.rrule(new RRule({ ...options, dtstart }));
  } else {
    set.rdate(dtstart);
  }
  for (const rdate of recurrence.rdates) set.rdate(new Date(floatingMs(rdate)));
  for (const exdate of recurrence.exdates) set.exdate(new Date(floatingMs(exdate)));
  for (const instance of recurrence.instances) set.exdate(new Date(floatingMs(instance.recurrence_id)));
  const allDay = recurrence.value === 'date';
  const days = recurrence.duration_days ?? 1;
  const seconds = recurrence.duration_in ?? 0;
  const moved = recurrence.instances.map((i) => ({ start: Date.parse(i.start_at), end: Date.parse(i.end_at) }));
  compiled = {
    set, zone, moved,
    reach: (allDay ? days * DAY_MS : seconds * 1000) + DAY_MS,
    // All-day instances run from midnight to midnight local time; timed ones last their exact duration.
    toOccurrence: allDay
      ? (floating) => ({ start: wallClockInstant(zone, floating), end: wallClockInstant(zone, floating + days * DAY_MS) })
      : (floating) => { const start = wallClockInstant(zone, floating); return { start, end: start + seconds * 1000 }; },
  };
  compiledKept.set(recurrence, compiled);
  return compiled;
}

/** Floating times are at most 14 h from the instants they name (UTC-12 .. UTC+14). */
const ZONE_SLACK = 14 * 3_600_000;

/**
 * The occurrences of an imported recurrence overlapping `[from, to)` (epoch ms), in order, moved
 * instances included.
 */
export function keptOccurrences(event: EventRecord & { ical: { recurrence: KeptRecurrence } }, from: number, to: number): Occurrence[] {
  const compiled = compileKept(event.ical.recurrence, event.time_zone);
  const dates = compiled.set.between(new Date(from - compiled.reach - ZONE_SLACK), new Date(to + ZONE_SLACK), true);
  const result = dates.map((date) => compiled.toOccurrence(date.getTime())).filter((o) => o.start < to && o.end > from);
  const moved = compiled.moved.filter((o) => o.start < to && o.end > from);
  return moved.length ? [...result, ...moved].sort((a, b) => a.start - b.start) : result;
}

/**
 * The occurrence of an imported recurrence in progress at `at` (epoch ms), else the next, else the
 * last; undefined when it has none.
 */
export function keptOccurrenceAt(event: EventRecord & { ical: { recurrence: KeptRecurrence } }, at: number): Occurrence | undefined {
  const compiled = compileKept(event.ical.recurrence, event.time_zone);
  const candidates: Occurrence[] = [...compiled.moved];
  // The first date that may still be in progress at `at`, and the one after it.
  let date = compiled.set.after(new Date(at - compiled.reach - ZONE_SLACK), true);
  for (let i = 0; date && i < 400; i++) {
    const occurrence = compiled.toOccurrence(date.getTime());
    candidates.push(occurrence);
    if (occurrence.start > at + ZONE_SLACK) break;
    date = compiled.set.after(date, false);
  }
  const upcoming = candidates.filter((o) => o.end > at).sort((a, b) => a.start - b.start)[0];
  if (upcoming) return upcoming;
  const last = compiled.set.before(new Date(at + ZONE_SLACK), true);
  const past = [...compiled.moved, ...(last ? [compiled.toOccurrence(last.getTime())] : [])].filter((o) => o.end <= at);
  return past.sort((a, b) => a.end - b.end).at(-1);
}

/** Floating epoch ms of an instant's wall-clock fields in `timeZone` (offsets cached per day, lib/time.ts). */
export function toFloating(instant: number, timeZone: string): number {
  let zone = zones.get(timeZone);
  if (!zone) zones.set(timeZone, zone = IANAZone.create(timeZone));
  return instant + offsetAt(zone, instant) * 60_000;
}
const zones = new Map<string, IANAZone>();
