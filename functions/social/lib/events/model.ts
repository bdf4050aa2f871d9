import { DomainError } from '@darkroom/runtime';
import type { BusyInterval } from './slots';
// Imported iCalendar events (lib/calendar-recurrence.ts): their kept recurrences and busy status.
import { blocksTime, keptOccurrenceAt, keptOccurrences, type ImportedCalendarData, type KeptRecurrence } from '../calendar/recurrence';
import { compileRecurrence, currentOccurrence, expandRecurrence, isTimeZone, type CompiledRecurrence, type Occurrence } from './recurrence';

/** One person's place in an event. The owner is `accepted` with role `owner`. */
export interface Member {
  event_id: string;
  user: string;
  role: 'owner' | 'guest';
  status: 'accepted' | 'invited' | 'declined';
  updated_at: string;
}

/** Seed 004's event body for `POST /event`, plus Darkroom's `time_zone` and `repeat_from`. */
export interface EventInput {
  name: string;
  description?: string;
  /** Unix seconds (single events) or a clock time `"H:MM"` (recurring). */
  start_time: string | number;
  end_time: string | number;
  single_event: boolean;
  repeat_days?: number[];
  /** Unix seconds, inclusive. */
  repeat_until?: number;
  /** Unix seconds: the first day of a recurrence (default: today in `time_zone`). */
  repeat_from?: number;
  /** 1-5, default 3. */
  weight?: number;
  owner: string;
  google?: boolean;
  time_zone?: string;
}

/** A stored event (the `EVENT#<id>` item's attributes besides its keys). */
export interface EventRecord {
  id: string;
  name: string;
  description: string;
  owner: string;
  single_event: boolean;
  weight: number;
  google: boolean;
  time_zone: string;
  /** Single events: unix seconds. */
  start?: number;
  end?: number;
  /** Recurring events. */
  start_time?: string;
  end_time?: string;
  repeat_days?: number[];
  repeat_from?: number;
  repeat_until?: number;
  /** Members by status; the owner is in `accepted`. */
  accepted: string[];
  invited: string[];
  location?: { latitude: number; longitude: number; updated_at: string };
  created_at: string;
  /** Events imported from an iCalendar file: their UID, source, status and kept recurrence. */
  ical?: ImportedCalendarData;
}

/** An imported event whose recurrence the weekly model cannot hold. */
const keptRecurrence = (event: EventRecord): event is EventRecord & { ical: { recurrence: KeptRecurrence } } => Boolean(event.ical?.recurrence);

/** Longest single event: 31 days. */
export const MAX_SINGLE_EVENT_SECONDS = 31 * 86_400;
export const DEFAULT_WEIGHT = 3;

const unixSeconds = (value: string | number, field: string): number => {
  const seconds = typeof value === 'number' ? value : /^\d{1,11}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 0) throw new DomainError(400, `${field} must be a unix timestamp (seconds) for a single event`);
  return seconds;
};

/**
 * Validates `POST /event`'s body and builds the record to store.
 * @param ownerId - the caller's id; `input.owner` must name them (their id or their profile's e-mail)
 * @param profile - the caller's profile (its time zone is the default)
 * @param now - epoch ms
 * @throws DomainError 403 when `owner` is not the caller; 400 for bad times, weekdays, zone, a
 *   `repeat_until` before the start or a single event that ends before it starts or lasts over 31 days
 */
export function buildEvent(
  input: EventInput, id: string, ownerId: string, profile: { email: string; time_zone: string }, now: number,
): EventRecord {
  if (input.owner !== ownerId && input.owner.toLowerCase() !== profile.email.toLowerCase()) {
    throw new DomainError(403, 'owner must be the caller');
  }
  const timeZone = input.time_zone ?? profile.time_zone;
  if (!isTimeZone(timeZone)) throw new DomainError(400, `time_zone must be an IANA time zone name, got ${JSON.stringify(timeZone)}`);
  const base = {
    id, name: input.name, description: input.description ?? '', owner: ownerId, single_event: input.single_event,
    weight: input.weight ?? DEFAULT_WEIGHT, google: input.google ?? false, time_zone: timeZone,
    accepted: [ownerId], invited: [], created_at: new Date(now).toISOString(),
  };
  if (input.single_event) {
    const start = unixSeconds(input.start_time, 'start_time');
    const end = unixSeconds(input.end_time, 'end_time');
    if (end <= start) throw new DomainError(400, 'end_time must be after start_time');
    if (end - start > MAX_SINGLE_EVENT_SECONDS) throw new DomainError(400, 'a single event lasts at most 31 days');
    if (input.repeat_days?.length) throw new DomainError(400, 'repeat_days is for recurring events (single_event: false)');
    return { ...base, start, end };
  }
  if (typeof input.start_time !== 'string' || typeof input.end_time !== 'string') {
    throw new DomainError(400, 'start_time and end_time of a recurring event are clock times like "9:00"');
  }
  if (!input.repeat_days?.length) throw new DomainError(400, 'repeat_days is required for a recurring event (0 = Sunday .. 6 = Saturday)');
  const repeatFrom = input.repeat_from ?? Math.floor(now / 1000);
  if (input.repeat_until !== undefined && input.repeat_until < repeatFrom) {
    throw new DomainError(400, 'repeat_until is before the start of the recurrence');
  }
  const record: EventRecord = {
    ...base, start_time: input.start_time, end_time: input.end_time, repeat_days: [...new Set(input.repeat_days)].sort(),
    repeat_from: repeatFrom, ...(input.repeat_until === undefined ? {} : { repeat_until: input.repeat_until }),
  };
  compile(record, true);
  return record;
}

const compiled = new WeakMap<EventRecord, CompiledRecurrence>();
/** The event's recurrence compiled once per record object (`validate` when the event is being created). */
function compile(event: EventRecord, validate = false): CompiledRecurrence {
  let rule = compiled.get(event);
  if (!rule) {
    rule = compileRecurrence({
      start_time: event.start_time!, end_time: event.end_time!, repeat_days: event.repeat_days!,
      repeat_from: event.repeat_from!, repeat_until: event.repeat_until, time_zone: event.time_zone,
    }, validate);
    compiled.set(event, rule);
  }
  return rule;
}

/** The event's occurrences overlapping `[from, to)` (epoch ms), recurrences expanded in their own zone. */
export function occurrences(event: EventRecord, from: number, to: number): Occurrence[] {
  if (keptRecurrence(event)) return keptOccurrences(event, from, to);
  if (event.single_event) {
    const start = event.start! * 1000;
    const end = event.end! * 1000;
    return start < to && end > from ? [{ start, end }] : [];
  }
  return expandRecurrence(compile(event), from, to);
}

/**
 * Busy intervals of several events in `[from, to)`, weighted by each event's weight. Imported events
 * that are cancelled or transparent take no time.
 */
export function busyIntervals(events: readonly EventRecord[], from: number, to: number): BusyInterval[] {
  return events.filter(blocksTime).flatMap((event) => occurrences(event, from, to).map((o) => ({ ...o, weight: event.weight })));
}

/** The occurrence in progress at `at`, else the next, else the last. */
export function occurrenceAt(event: EventRecord, at: number): Occurrence | undefined {
  if (keptRecurrence(event)) return keptOccurrenceAt(event, at);
  if (event.single_event) return { start: event.start! * 1000, end: event.end! * 1000 };
  return currentOccurrence(compile(event), at);
}

/** Seed 004's event shape, plus the recurrence fields, as routes return it. */
export interface EventView {
  id: string; name: string; description: string;
  /** Unix seconds of the current or next occurrence (the last one once passed). */
  start_time: number;
  /** Seconds. */
  duration: number;
  status: 'pending' | 'active' | 'passed';
  owner: string; accepted: string[]; invited: string[]; chat_url: string;
  weight: number; single_event: boolean; time_zone: string; google: boolean;
  recurrence: { start_time: string; end_time: string; repeat_days: number[]; repeat_from: number; repeat_until: number | null } | null;
  location: { latitude: number; longitude: number; updated_at: string } | null;
  /** Imported events only: where they came from and the recurrence kept as iCalendar. */
  ical?: { uid: string; source: string; cancelled: boolean; transparent: boolean; rrule: string | null; exdates: string[]; rdates: string[] };
}

/**
 * The event as routes return it, its status at `now` (epoch ms): `active` while an occurrence is in
 * progress, `passed` after the last one has ended, else `pending`.
 */
export function eventView(event: EventRecord, now: number): EventView {
  const occurrence = occurrenceAt(event, now);
  const status = !occurrence || occurrence.end <= now ? 'passed' : occurrence.start <= now ? 'active' : 'pending';
  return {
    id: event.id, name: event.name, description: event.description,
    start_time: occurrence ? Math.floor(occurrence.start / 1000) : event.repeat_from ?? 0,
    duration: occurrence ? Math.round((occurrence.end - occurrence.start) / 1000) : 0,
    status, owner: event.owner, accepted: [...event.accepted].sort(), invited: [...event.invited].sort(),
    chat_url: `/chat/${event.id}/messages`,
    weight: event.weight, single_event: event.single_event, time_zone: event.time_zone, google: event.google,
    recurrence: event.single_event || keptRecurrence(event) ? null : {
      start_time: event.start_time!, end_time: event.end_time!, repeat_days: event.repeat_days!,
      repeat_from: event.repeat_from!, repeat_until: event.repeat_until ?? null,
    },
    location: event.location ?? null,
    ...(event.ical ? {
      ical: {
        uid: event.ical.uid, source: event.ical.source, cancelled: event.ical.cancelled, transparent: event.ical.transparent,
        rrule: event.ical.recurrence?.rrule ?? null, exdates: event.ical.recurrence?.exdates ?? [], rdates: event.ical.recurrence?.rdates ?? [],
      },
    } : {}),
  };
}
