import { DateTime, IANAZone } from 'luxon';
import { RRule, type Weekday } from 'rrule';
import { DomainError } from '@darkroom/runtime';

/** One occurrence of an event: epoch milliseconds, half-open `[start, end)`. */
export interface Occurrence { start: number; end: number }

/** A weekly recurrence as seed 004 spells it, with Darkroom's time zone. */
export interface Recurrence {
  /** Wall-clock start and end, `"H:MM"` or `"HH:MM"`, 0:00..23:59; an end at or before the start ends the next day. */
  start_time: string;
  end_time: string;
  /** Weekdays, 0 = Sunday .. 6 = Saturday (seed 004). */
  repeat_days: number[];
  /** First day of the recurrence: epoch seconds, read as a date in `time_zone`. */
  repeat_from: number;
  /** Last possible start, epoch seconds, inclusive (RFC 5545 UNTIL); absent: no end. */
  repeat_until?: number;
  /** IANA time zone the clock times are read in. */
  time_zone: string;
}

const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;
/** rrule's weekdays in seed 004's order (0 = Sunday). */
const WEEKDAYS: Weekday[] = [RRule.SU, RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA];

/**
 * Parses a wall-clock time.
 * @param value - `"H:MM"` or `"HH:MM"` from `0:00` to `23:59`
 * @returns minutes after midnight
 * @throws DomainError 400 for anything else (`"25:00"`, `"9:5"`, `"24:00"`)
 */
export function parseClock(value: string, field: string): number {
  const match = CLOCK.exec(value);
  if (!match) throw new DomainError(400, `${field} must be a clock time from 0:00 to 23:59, got ${JSON.stringify(value)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

const knownZones = new Map<string, boolean>();
/** True when `zone` is an IANA time zone name the runtime knows (luxon / Intl); answers are cached (each check builds an Intl formatter). */
export function isTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) knownZones.set(zone, known = IANAZone.isValidZone(zone));
  return known;
}

/**
 * Reads a point in time given as epoch seconds (a number or a string of digits) or an ISO 8601 date-time
 * (without an offset it is UTC).
 * @returns epoch milliseconds
 * @throws DomainError 400 when the value is neither
 */
export function parseInstant(value: string | number, field: string): number {
  if (typeof value === 'number' || /^\d{1,11}$/.test(value)) return Number(value) * 1000;
  const parsed = DateTime.fromISO(value, { zone: 'utc' });
  if (!parsed.isValid) throw new DomainError(400, `${field} must be epoch seconds or an ISO 8601 date-time, got ${JSON.stringify(value)}`);
  return parsed.toMillis();
}

/**
 * UTC offsets of a zone (minutes), from luxon's IANAZone, cached per UTC day: when the offsets at a
 * day's two ends agree, the whole day has that offset (no zone changes its offset twice within one
 * day); on the days they differ, every instant asks luxon. Expanding a 90-day calendar then costs a few
 * hundred Intl look-ups instead of several per occurrence.
 */
const dayOffsets = new Map<string, Map<number, number | null>>();
export function offsetAt(zone: IANAZone, at: number): number {
  let days = dayOffsets.get(zone.name);
  if (!days) dayOffsets.set(zone.name, days = new Map());
  const day = Math.floor(at / DAY_MS);
  let offset = days.get(day);
  if (offset === undefined) {
    const start = zone.offset(day * DAY_MS);
    offset = start === zone.offset((day + 1) * DAY_MS) ? start : null;
    days.set(day, offset);
  }
  return offset ?? zone.offset(at);
}

/**
 * The instant (epoch ms) a wall-clock time names in `zone`, given as the epoch ms of the same fields in
 * UTC (rrule's floating dates), resolved as RFC 5545 §3.3.5 says: a time that occurs twice (the
 * fall-back hour) is its first occurrence; a time that does not exist (the spring-forward gap) is read
 * with the offset before the gap, i.e. moved forward by the gap (as luxon's `DateTime.fromObject` does).
 * Offsets come from luxon; only one offset change is assumed within a day of the time.
 */
export function wallClockInstant(zone: IANAZone, local: number): number {
  const before = offsetAt(zone, local - DAY_MS);
  const after = offsetAt(zone, local + DAY_MS);
  const earlier = local - Math.max(before, after) * 60_000;
  const later = local - Math.min(before, after) * 60_000;
  if (offsetAt(zone, earlier) * 60_000 === local - earlier) return earlier;
  if (offsetAt(zone, later) * 60_000 === local - later) return later;
  return local - before * 60_000;
}

/** A recurrence compiled once: the rrule over floating local times, and the clock times. */
export interface CompiledRecurrence {
  rule: RRule;
  zone: IANAZone;
  /** Minutes after midnight. */
  startMinute: number;
  /** Minutes from the start's midnight to the end (past 1,440 when it crosses midnight). */
  endMinute: number;
}

/**
 * Compiles a recurrence into an rrule (RFC 5545 FREQ=WEEKLY;BYDAY=...;UNTIL=...) over floating local
 * times, so occurrences keep their wall-clock time across DST changes in `time_zone`.
 * @param validate - also check that the recurrence has an occurrence (when an event is created; stored
 *   events skip the walk from the first occurrence)
 * @throws DomainError 400 for a bad clock time, weekday or zone, an end equal to the start, or (with
 *   `validate`) a `repeat_until` before the first occurrence
 */
export function compileRecurrence(recurrence: Recurrence, validate = true): CompiledRecurrence {
  const zone = recurrence.time_zone;
  if (!isTimeZone(zone)) throw new DomainError(400, `time_zone must be an IANA time zone name, got ${JSON.stringify(zone)}`);
  const startMinute = parseClock(recurrence.start_time, 'start_time');
  let endMinute = parseClock(recurrence.end_time, 'end_time');
  if (endMinute === startMinute) throw new DomainError(400, 'end_time must differ from start_time');
  if (endMinute < startMinute) endMinute += 1440;
  const days = recurrence.repeat_days;
  if (!days.length || days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
    throw new DomainError(400, 'repeat_days must list weekdays from 0 (Sunday) to 6 (Saturday)');
  }
  const ianaZone = IANAZone.create(zone);
  // rrule works on floating times: the local fields of an instant, as the epoch ms of those fields in UTC.
  const toFloating = (seconds: number) => seconds * 1000 + offsetAt(ianaZone, seconds * 1000) * 60_000;
  const first = new Date(Math.floor(toFloating(recurrence.repeat_from) / DAY_MS) * DAY_MS + startMinute * 60_000);
  const rule = new RRule({
    freq: RRule.WEEKLY,
    byweekday: [...new Set(days)].map((d) => WEEKDAYS[d]!),
    dtstart: first,
    until: recurrence.repeat_until === undefined ? null : new Date(toFloating(recurrence.repeat_until)),
  });
  if (validate && !rule.after(first, true)) {
    throw new DomainError(400, 'repeat_until is before the first occurrence: the event would never happen');
  }
  return { rule, zone: ianaZone, startMinute, endMinute };
}

/**
 * The occurrences of a compiled recurrence that overlap `[from, to)` (epoch ms), in order.
 * Each starts at its clock time on its local date and ends at the end clock time (the next day when it
 * crosses midnight), both read in the recurrence's zone: a 9:00-10:00 meeting stays 9:00-10:00 local
 * across DST, and a 22:00-6:00 shift lasts 7 or 9 hours on the nights the clocks change.
 */
export function expandRecurrence(compiled: CompiledRecurrence, from: number, to: number): Occurrence[] {
  const { rule, zone, startMinute, endMinute } = compiled;
  // Floating dates are at most 14 h from the instants; occurrences last under 2 days.
  const after = new Date(from - 2 * DAY_MS - 14 * 3_600_000);
  const before = new Date(to + 14 * 3_600_000);
  const result: Occurrence[] = [];
  for (const date of rule.between(after, before, true)) {
    const start = wallClockInstant(zone, date.getTime());
    const end = wallClockInstant(zone, date.getTime() + (endMinute - startMinute) * 60_000);
    if (start < to && end > from) result.push({ start, end });
  }
  return result;
}

/**
 * The occurrence in progress at `at` (epoch ms) or else the next one, else the last one; undefined when
 * the recurrence has none. Used for an event's `status`, `start_time` and `duration`.
 */
export function currentOccurrence(compiled: CompiledRecurrence, at: number): Occurrence | undefined {
  // A weekly rule that has not ended has an occurrence within 8 days.
  const upcoming = expandRecurrence(compiled, at, at + 8 * DAY_MS).find((o) => o.end > at);
  if (upcoming) return upcoming;
  // A recurrence that starts later: its first occurrence (floating dates are within 14 h of instants).
  const next = compiled.rule.after(new Date(at - 14 * 3_600_000), true);
  if (next) {
    const first = expandRecurrence(compiled, next.getTime() - DAY_MS, next.getTime() + 2 * DAY_MS).find((o) => o.end > at);
    if (first) return first;
  }
  const last = compiled.rule.before(new Date(at + 14 * 3_600_000), true);
  if (!last) return undefined;
  return expandRecurrence(compiled, last.getTime() - DAY_MS, last.getTime() + DAY_MS).filter((o) => o.start <= at).at(-1);
}
export { DAY_MS };
