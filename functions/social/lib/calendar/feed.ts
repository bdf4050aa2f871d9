/**
 * A user's iCalendar (RFC 5545) feed, built with ical-generator: the events the user owns or accepted,
 * with one VTIMEZONE per zone used (@touch4it/ical-timezones), weekly recurrences as
 * RRULE:FREQ=WEEKLY;BYDAY=...;UNTIL=<UTC> (RFC 5545 §3.3.10: UNTIL in UTC when DTSTART has a TZID),
 * imported recurrences as the RRULE/EXDATE/RDATE and moved instances (RECURRENCE-ID) they came with,
 * ORGANIZER and ATTENDEE with PARTSTAT, and the event's chat as URL.
 *
 * The text depends only on the stored data (DTSTAMP is the event's last change), so its ETag changes
 * only when the calendar does.
 */
import { createHash } from 'node:crypto';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalAttendeeStatus, type ICalEvent } from 'ical-generator';
import { DateTime } from 'luxon';
import { floatingMs } from './recurrence';
import type { EventRecord, Member } from '../events/model';
import { compileRecurrence, DAY_MS } from '../events/recurrence';
import type { Profile } from '../profiles/model';

/** Weights travel as this property, so that a Darkroom user importing the feed keeps them. */
export const WEIGHT_PROPERTY = 'X-DARKROOM-WEIGHT';

/** One event of a feed, with its members and their profiles. */
export interface FeedEvent { event: EventRecord; members: Member[] }

/** What a feed is built from. */
export interface FeedInput {
  owner: Profile;
  events: FeedEvent[];
  /** Profiles of the members of the events, by id (members without one are left out). */
  people: Map<string, Profile>;
  /** Absolute base URL of the API, for each event's chat URL. */
  baseUrl: string;
}

const PARTSTAT: Record<Member['status'], ICalAttendeeStatus> = {
  accepted: ICalAttendeeStatus.ACCEPTED, invited: ICalAttendeeStatus.NEEDSACTION, declined: ICalAttendeeStatus.DECLINED,
};
const WEEKDAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** UTC date-time as RFC 5545 writes it (`20270101T080000Z`). */
const utcStamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
/** A floating time as a DateTime of those wall-clock fields in `zone`. */
const wallClock = (floating: number, zone: string) => DateTime.fromMillis(floating, { zone: 'utc' }).setZone(zone, { keepLocalTime: true });
/** The UID of an event in feeds: the imported UID, else the event id. */
export const feedUid = (event: EventRecord) => event.ical?.uid ?? `${event.id}@darkroom`;

/** The timing of a weekly event: its first occurrence and the RRULE. */
function weeklyTiming(event: EventRecord) {
  const compiled = compileRecurrence({
    start_time: event.start_time!, end_time: event.end_time!, repeat_days: event.repeat_days!, repeat_from: event.repeat_from!,
    repeat_until: event.repeat_until, time_zone: event.time_zone,
  }, false);
  const first = compiled.rule.after(compiled.rule.options.dtstart, true);
  if (!first) return undefined;
  const length = (compiled.endMinute - compiled.startMinute) * 60_000;
  const until = event.repeat_until === undefined ? '' : `;UNTIL=${utcStamp(event.repeat_until * 1000)}`;
  return {
    start: wallClock(first.getTime(), event.time_zone),
    end: wallClock(first.getTime() + length, event.time_zone),
    repeating: `RRULE:FREQ=WEEKLY;BYDAY=${event.repeat_days!.map((d) => WEEKDAY_CODES[d]).join(',')}${until}`,
  };
}

/** Local fields `YYYYMMDD[THHMMSS]` as the value of a property in `zone`. */
const dateList = (name: string, values: string[], zone: string, date: boolean) => {
  if (!values.length) return '';
  const tz = date ? ';VALUE=DATE' : zone === 'UTC' ? '' : `;TZID=${zone}`;
  const list = zone === 'UTC' && !date ? values.map((v) => `${v}Z`) : values;
  return `\n${name}${tz}:${list.join(',')}`;
};

/** Adds one event (and its moved instances) to the calendar. */
function addEvent(calendar: ReturnType<typeof ical>, { event, members }: FeedEvent, input: FeedInput): void {
  const zone = event.time_zone;
  const changed = [event.created_at, ...members.map((m) => m.updated_at)].sort().at(-1)!;
  const common = {
    id: feedUid(event), summary: event.name, description: event.description || undefined,
    stamp: new Date(changed), timezone: zone === 'UTC' ? undefined : zone,
    url: `${input.baseUrl}/chat/${event.id}/messages`,
  };
  let created: ICalEvent;
  const kept = event.ical?.recurrence;
  if (kept) {
    const allDay = kept.value === 'date';
    const start = floatingMs(kept.dtstart);
    const startAt = allDay ? DateTime.fromMillis(start, { zone: 'utc' }) : wallClock(start, zone);
    const endAt = allDay ? DateTime.fromMillis(start + (kept.duration_days ?? 1) * DAY_MS, { zone: 'utc' }) : startAt.plus({ seconds: kept.duration_in ?? 0 });
    const repeating = `${kept.rrule ? `RRULE:${kept.rrule}` : ''}${dateList('EXDATE', kept.exdates, zone, allDay)}${dateList('RDATE', kept.rdates, zone, allDay)}`.replace(/^\n/, '');
    created = calendar.createEvent({ ...common, start: startAt, end: endAt, allDay, ...(allDay ? { timezone: undefined } : {}), ...(repeating ? { repeating } : {}) });
    for (const instance of kept.instances) {
      const recurrenceId = allDay ? DateTime.fromMillis(floatingMs(instance.recurrence_id), { zone: 'utc' }) : wallClock(floatingMs(instance.recurrence_id), zone);
      calendar.createEvent({
        ...common, start: DateTime.fromISO(instance.start_at, { zone }), end: DateTime.fromISO(instance.end_at, { zone }),
        recurrenceId, ...(allDay ? { timezone: undefined } : {}),
      });
    }
  } else if (event.single_event) {
    created = calendar.createEvent({ ...common, start: DateTime.fromSeconds(event.start!, { zone }), end: DateTime.fromSeconds(event.end!, { zone }) });
  } else {
    const timing = weeklyTiming(event);
    if (!timing) return;
    created = calendar.createEvent({ ...common, ...timing });
  }
  if (event.ical?.cancelled) created.status('CANCELLED' as never);
  if (event.ical?.transparent) created.transparency('TRANSPARENT' as never);
  created.x(WEIGHT_PROPERTY, String(event.weight));
  const organizer = input.people.get(event.owner);
  if (organizer) created.organizer({ name: organizer.username, email: organizer.email });
  for (const member of members) {
    const person = input.people.get(member.user);
    if (!person) continue;
    created.createAttendee({ name: person.username, email: person.email, status: PARTSTAT[member.status] });
  }
}

/**
 * The feed's text (CRLF lines, folded at 75 octets) and its ETag (a strong validator: the quoted
 * SHA-256 of the text, RFC 9110 §8.8.3).
 */
export function buildFeed(input: FeedInput): { body: string; etag: string } {
  const calendar = ical({
    name: `${input.owner.username} (Darkroom)`, prodId: { company: 'Darkroom', product: 'social', language: 'EN' },
    // VTIMEZONEs of the zones the events use, one each (no calendar-wide zone: X-WR-TIMEZONE is not RFC 5545).
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  const events = [...input.events].sort((a, b) => a.event.id.localeCompare(b.event.id));
  for (const entry of events) addEvent(calendar, entry, input);
  const body = calendar.toString();
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
}

/**
 * Whether an If-None-Match header matches `etag` (RFC 9110 §13.1.2: weak comparison, `*` matches any).
 */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}
