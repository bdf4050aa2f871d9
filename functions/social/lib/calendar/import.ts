/**
 * Import of iCalendar (RFC 5545) files, as Google Calendar, Apple Calendar and Outlook export them:
 * each VEVENT becomes an event of the importing user, keyed by its UID.
 *
 * The file is parsed with ical.js (`ICAL.parse`, into jCal, RFC 7265) and read from the jCal arrays.
 * Single events become single events; weekly rules the weekly model holds (FREQ=WEEKLY, BYDAY, UNTIL,
 * nothing else) become recurring events; every other recurrence is kept as its RRULE/EXDATE/RDATE and
 * moved instances (lib/calendar-recurrence.ts). Floating times and all-day dates are read in the
 * user's time zone; TZIDs are IANA names or Windows zone names (Outlook), mapped with windows-iana.
 */
import { hash } from 'node:crypto';
import ICAL from 'ical.js';
import { findIana } from 'windows-iana';
import type { Caller } from '@darkroom/jwt';
import { DomainError, metrics, MetricUnit } from '@darkroom/runtime';
import { RRule } from 'rrule';
import { WEIGHT_PROPERTY } from './feed';
import type { CalendarDeps } from './repository';
import { floatingMs, localFields, toFloating, type ImportedCalendarData, type KeptRecurrence } from './recurrence';
import { DEFAULT_WEIGHT, MAX_SINGLE_EVENT_SECONDS, type EventRecord } from '../events/model';
import { DAY_MS, isTimeZone, wallClockInstant } from '../events/recurrence';
import { IANAZone } from 'luxon';
import { callerProfile, requireSelf } from '../profiles/use-cases';

/** Largest accepted file: 1 MiB. */
export const MAX_IMPORT_BYTES = 1024 * 1024;
const MAX_UID_LENGTH = 255;
const NAME_LENGTH = 200;
const DESCRIPTION_LENGTH = 2000;

/** A VEVENT that was not imported, and why. */
export interface Skipped { uid: string; reason: string }

/** What {@link importCalendar} answers. */
export interface ImportSummary {
  /** Events new to the user. */
  created: number;
  /** Events already imported (same UID) whose content changed. */
  updated: number;
  /** Events already imported and unchanged (a second import of the same file changes nothing). */
  unchanged: number;
  skipped: Skipped[];
}

/** The events a file holds for one user, and the VEVENTs left out. */
export interface ReadCalendar { events: EventRecord[]; skipped: Skipped[] }

/** The id of the event a user's import makes of a UID: the same UID always lands on the same event. */
export function importedEventId(owner: string, uid: string): string {
  return `ics-${hash('sha256', `${owner}\n${uid}`, 'base64url').slice(0, 32)}`;
}

type JProperty = [string, Record<string, string | string[]>, string, ...unknown[]];
type JComponent = [string, JProperty[], JComponent[]];

/**
 * Where ical.js stopped: the 1-based line of the file the offending (unfolded) content line starts on,
 * found from the quoted line in its message.
 */
function whereParsingStopped(text: string, message: string): string {
  const quoted = /"([^"]*)"\s*$/.exec(message)?.[1];
  if (/did not end/.test(message)) return 'at the end of the file (a BEGIN has no matching END)';
  if (quoted === undefined) return 'in the file';
  const raw = text.split(/\r?\n/);
  let start = 0;
  let line = '';
  for (let i = 0; i <= raw.length; i++) {
    const next = raw[i];
    if (next !== undefined && /^[ \t]/.test(next) && i > 0) { line += next.slice(1); continue; }
    if (line === quoted) return `at line ${start + 1}`;
    start = i;
    line = next ?? '';
  }
  return 'in the file';
}

/**
 * Parses the file's text into jCal.
 * @throws DomainError 400 saying where the parse stopped, or that the text is no VCALENDAR
 */
function parse(text: string): JComponent[] {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new DomainError(400, `The calendar is not valid iCalendar (RFC 5545): ${message.replace(/\s*"[^"]*"\s*$/, '')}, ${whereParsingStopped(text, message)}`);
  }
  const roots = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as JComponent[];
  if (!roots.length || roots.some((root) => !Array.isArray(root) || root[0] !== 'vcalendar')) {
    throw new DomainError(400, 'The body is not an iCalendar file: it must begin with BEGIN:VCALENDAR');
  }
  return roots;
}

/** A component's first property of a name (a plain scan: a VEVENT has a dozen properties, and no closure is allocated). */
function property(component: JComponent, name: string): JProperty | undefined {
  const props = component[1];
  for (let i = 0; i < props.length; i++) if (props[i]![0] === name) return props[i];
  return undefined;
}
function properties(component: JComponent, name: string): JProperty[] {
  const found: JProperty[] = [];
  const props = component[1];
  for (let i = 0; i < props.length; i++) if (props[i]![0] === name) found.push(props[i]!);
  return found;
}
const text = (component: JComponent, name: string) => {
  const value = property(component, name)?.[3];
  return typeof value === 'string' ? value : value === undefined ? undefined : String(value);
};
const parameter = (prop: JProperty, name: string) => {
  const value = prop[1][name];
  return Array.isArray(value) ? value[0] : value;
};

/** A point in a file: its local fields (floating ms) and how they are to be read. */
interface FileTime { floating: number; date: boolean; utc: boolean; tzid?: string }

/** The number of the `length` ASCII digits of `text` from `at`, or NaN when one is not a digit. */
function digits(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return Number.NaN;
    value = value * 10 + code;
  }
  return value;
}

/**
 * A date or date-time value as jCal spells it (`2026-12-07`, `2026-12-07T09:00:00`, `...Z`; RFC 7265
 * §3.5.4-5), read by position; undefined for anything else.
 */
function fileTime(value: unknown, tzid: string | undefined): FileTime | undefined {
  if (typeof value !== 'string') return undefined;
  const date = value.length === 10;
  const utc = value.length === 20 && value.charCodeAt(19) === 90; // 'Z'
  if (!date && value.length !== 19 && !utc) return undefined;
  if (value[4] !== '-' || value[7] !== '-' || (!date && (value[10] !== 'T' || value[13] !== ':' || value[16] !== ':'))) return undefined;
  const y = digits(value, 0, 4);
  const mo = digits(value, 5, 2);
  const d = digits(value, 8, 2);
  const h = date ? 0 : digits(value, 11, 2);
  const mi = date ? 0 : digits(value, 14, 2);
  const sec = date ? 0 : digits(value, 17, 2);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 60) || Number.isNaN(y)) return undefined;
  return { floating: Date.UTC(y, mo - 1, d, h, mi, sec), date, utc, tzid: utc || date ? undefined : tzid };
}

/** An IANA zone for a TZID: itself, a Windows zone's IANA name (windows-iana), else undefined. */
const zoneCache = new Map<string, string | undefined>();
export function ianaZone(tzid: string): string | undefined {
  if (zoneCache.has(tzid)) return zoneCache.get(tzid);
  const bare = tzid.replace(/^\/(mozilla\.org\/[^/]+\/)?/, '').replace(/^"|"$/g, '');
  let zone: string | undefined;
  if (isTimeZone(bare)) zone = bare;
  else {
    try { zone = findIana(bare)?.find((candidate) => isTimeZone(candidate)); } catch { zone = undefined; }
  }
  zoneCache.set(tzid, zone);
  return zone;
}

class Skip extends Error {}

/** A file time moved by `ms` of wall-clock time. */
const shifted = (time: FileTime, ms: number): FileTime => ({ floating: time.floating + ms, date: time.date, utc: time.utc, tzid: time.tzid });

/** luxon's zone objects by name (IANAZone.create costs a microsecond, and every time asks for one). */
const luxonZones = new Map<string, IANAZone>();
function luxonZone(name: string): IANAZone {
  let zone = luxonZones.get(name);
  if (!zone) luxonZones.set(name, zone = IANAZone.create(name));
  return zone;
}

/**
 * The RRULE value text of a jCal recur value (RFC 7265 §3.6.10: lower-case rule parts, arrays for
 * lists, UNTIL as a jCal date or date-time), FREQ first as RFC 5545 §3.3.10 recommends.
 */
function recurText(value: unknown): string {
  if (typeof value === 'string') return value;
  const rule = (value ?? {}) as Record<string, unknown>;
  let text = `FREQ=${String(rule.freq)}`;
  for (const key in rule) {
    if (key === 'freq') continue;
    const part = rule[key];
    const written = Array.isArray(part) ? part.join(',') : String(part);
    text += `;${key.toUpperCase()}=${key === 'until' ? written.replace(/[-:]/g, '') : written}`;
  }
  return text;
}

/** The instant (epoch ms) a file time names; floating times and dates in `fallbackZone`. @throws Skip for an unknown zone */
function instantOf(time: FileTime, fallbackZone: string): number {
  if (time.utc) return time.floating;
  const zone = time.tzid ? ianaZone(time.tzid) : fallbackZone;
  if (!zone) throw new Skip(`unknown time zone ${JSON.stringify(time.tzid)}`);
  return wallClockInstant(luxonZone(zone), time.floating);
}

/** A VEVENT read from the file, before it is turned into an event record. */
interface Vevent {
  uid: string;
  summary: string;
  description: string;
  zone: string;
  start: FileTime;
  /** Instants, epoch ms. */
  startAt: number;
  endAt: number;
  /** All-day events: length in days. */
  days: number;
  rrule?: string;
  exdates: string[];
  rdates: string[];
  instances: { recurrence_id: string; start_at: string; end_at: string }[];
  cancelled: boolean;
  transparent: boolean;
  /** 1-5: X-DARKROOM-WEIGHT (a Darkroom feed's), else the default. */
  weight: number;
}

/** The local fields (in `zone`) of a list-valued EXDATE/RDATE property's values; PERIOD values count by their start. */
function localList(prop: JProperty, zone: string, date: boolean): string[] {
  const tzid = parameter(prop, 'tzid');
  return prop.slice(3).flatMap((value) => {
    const raw = Array.isArray(value) ? value[0] : value;
    const time = fileTime(raw, tzid);
    if (!time) throw new Skip(`${prop[0].toUpperCase()} value ${JSON.stringify(raw)} is not a date`);
    if (date || time.date) return [localFields(time.floating, true)];
    const floating = time.utc || (time.tzid && ianaZone(time.tzid) !== zone) ? toFloating(instantOf(time, zone), zone) : time.floating;
    return [localFields(floating)];
  });
}

/** RRULE texts rrule has read (files repeat the same few rules). */
const readableRules = new Set<string>();

/** Reads one VEVENT. @throws Skip with the reason it cannot be imported */
function readVevent(vevent: JComponent, userZone: string): Vevent {
  const uid = text(vevent, 'uid')!;
  const dtstart = property(vevent, 'dtstart');
  if (!dtstart) throw new Skip('no DTSTART');
  const start = fileTime(dtstart[3], parameter(dtstart, 'tzid'));
  if (!start) throw new Skip(`DTSTART ${JSON.stringify(dtstart[3])} is not a date or date-time`);
  const zone = start.utc ? 'UTC' : start.tzid ? ianaZone(start.tzid) : userZone;
  if (!zone) throw new Skip(`unknown time zone ${JSON.stringify(start.tzid)}`);
  const startAt = instantOf(start, userZone);

  let endAt: number;
  let days = 1;
  const dtend = property(vevent, 'dtend');
  const duration = text(vevent, 'duration');
  if (dtend) {
    const end = fileTime(dtend[3], parameter(dtend, 'tzid'));
    if (!end) throw new Skip(`DTEND ${JSON.stringify(dtend[3])} is not a date or date-time`);
    endAt = instantOf(end, zone === 'UTC' && !start.utc ? userZone : zone);
    if (start.date) days = Math.round((end.floating - start.floating) / DAY_MS);
  } else if (duration) {
    let seconds: number;
    try { seconds = ICAL.Duration.fromString(duration).toSeconds(); } catch { throw new Skip(`DURATION ${JSON.stringify(duration)} is not a duration`); }
    if (start.date) days = Math.round(seconds / 86_400);
    endAt = start.date ? instantOf(shifted(start, days * DAY_MS), zone) : startAt + seconds * 1000;
  } else {
    // RFC 5545 §3.6.1: without DTEND or DURATION, an all-day event lasts the day, a timed one no time.
    endAt = start.date ? instantOf(shifted(start, DAY_MS), zone) : startAt;
  }
  if (start.date && dtend) endAt = instantOf(shifted(start, days * DAY_MS), zone);
  if (endAt < startAt || (start.date && days < 1)) throw new Skip('it ends before it starts');

  const rruleProp = property(vevent, 'rrule');
  let rrule: string | undefined;
  if (rruleProp) {
    rrule = recurText(rruleProp[3]);
    if (!readableRules.has(rrule)) {
      try {
        RRule.parseString(rrule);
      } catch {
        throw new Skip(`RRULE ${JSON.stringify(rrule)} cannot be read`);
      }
      if (readableRules.size > 10_000) readableRules.clear();
      readableRules.add(rrule);
    }
  }
  const exdates = properties(vevent, 'exdate').flatMap((p) => localList(p, zone, start.date));
  const rdates = properties(vevent, 'rdate').flatMap((p) => localList(p, zone, start.date));
  return {
    uid, zone, start, startAt, endAt, days, rrule, exdates, rdates, instances: [],
    summary: (text(vevent, 'summary') ?? '').slice(0, NAME_LENGTH) || '(no title)',
    description: (text(vevent, 'description') ?? '').slice(0, DESCRIPTION_LENGTH),
    weight: /^[1-5]$/.test(text(vevent, WEIGHT_PROPERTY.toLowerCase()) ?? '') ? Number(text(vevent, WEIGHT_PROPERTY.toLowerCase())) : DEFAULT_WEIGHT,
    cancelled: (text(vevent, 'status') ?? '').toUpperCase() === 'CANCELLED',
    transparent: (text(vevent, 'transp') ?? '').toUpperCase() === 'TRANSPARENT',
  };
}

const WEEKDAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const clock = (minutes: number) => `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The weekly-model fields of a recurrence when it has them: FREQ=WEEKLY with at most BYDAY (plain
 * weekdays, DTSTART's among them), UNTIL and WKST, no COUNT, INTERVAL 1, no EXDATE/RDATE/moved
 * instances, a timed DTSTART on a whole minute, lasting under a day; else undefined.
 */
function weeklyFields(v: Vevent): Partial<EventRecord> | undefined {
  if (!v.rrule || v.start.date || v.exdates.length || v.rdates.length || v.instances.length) return undefined;
  const parts = Object.fromEntries(v.rrule.split(';').map((part) => part.split('=') as [string, string]));
  if (parts.FREQ !== 'WEEKLY' || Object.keys(parts).some((key) => !['FREQ', 'BYDAY', 'UNTIL', 'WKST', 'INTERVAL'].includes(key))) return undefined;
  if (parts.INTERVAL !== undefined && parts.INTERVAL !== '1') return undefined;
  const startLocal = toFloating(v.startAt, v.zone);
  const startMinute = Math.floor((startLocal % DAY_MS) / 60_000);
  const seconds = (v.endAt - v.startAt) / 1000;
  if (startLocal % 60_000 !== 0 || seconds <= 0 || seconds >= 86_400 || seconds % 60 !== 0) return undefined;
  const endMinute = (startMinute + seconds / 60) % 1440;
  // The weekly model ends each instance at a wall-clock time: it must be the one DTEND gives.
  if (toFloating(v.endAt, v.zone) !== startLocal + seconds * 1000) return undefined;
  const weekday = new Date(startLocal).getUTCDay();
  const days = parts.BYDAY ? parts.BYDAY.split(',').map((code) => WEEKDAY_CODES.indexOf(code)) : [weekday];
  if (days.some((d) => d < 0) || !days.includes(weekday)) return undefined;
  let until: number | undefined;
  if (parts.UNTIL) {
    const match = /^(\d{8})(T\d{6})?(Z)?$/.exec(parts.UNTIL);
    if (!match) return undefined;
    const floating = floatingMs(match[2] ? `${match[1]}${match[2]}` : `${match[1]}T235959`);
    until = Math.floor((match[3] ? floating : wallClockInstant(luxonZone(v.zone), floating)) / 1000);
  }
  const fields: Partial<EventRecord> = {
    single_event: false, start_time: clock(startMinute), end_time: clock(endMinute), repeat_days: [...new Set(days)].sort(),
    repeat_from: Math.floor(v.startAt / 1000),
  };
  if (until !== undefined) fields.repeat_until = until;
  return fields;
}

/** The event record of a VEVENT. @throws Skip when it cannot be held */
function toRecord(v: Vevent, owner: string, source: string, createdAt: string): EventRecord {
  const ical: ImportedCalendarData = { uid: v.uid, source, cancelled: v.cancelled, transparent: v.transparent };
  // Object.assign, not spreads: V8 (Node 20) copies a spread object this size some 30 times slower.
  const base: EventRecord = {
    id: importedEventId(owner, v.uid), name: v.summary, description: v.description, owner, weight: v.weight, google: true,
    time_zone: v.zone, accepted: [owner], invited: [], created_at: createdAt, single_event: false, ical,
  };
  if (!v.rrule && !v.rdates.length) {
    const start = Math.floor(v.startAt / 1000);
    const end = Math.ceil(v.endAt / 1000);
    if (end <= start) throw new Skip('it takes no time (DTEND equals DTSTART)');
    if (end - start > MAX_SINGLE_EVENT_SECONDS) throw new Skip('a single event lasts at most 31 days');
    base.single_event = true;
    base.start = start;
    base.end = end;
    return base;
  }
  const weekly = weeklyFields(v);
  if (weekly) {
    // DTSTART is on one of the rule's weekdays, so it is the first occurrence unless UNTIL precedes it.
    if (weekly.repeat_until !== undefined && weekly.repeat_until * 1000 < v.startAt) throw new Skip('UNTIL is before DTSTART: the event would never happen');
    return Object.assign(base, weekly);
  }
  if (v.endAt <= v.startAt) throw new Skip('it takes no time (DTEND equals DTSTART)');
  const recurrence: KeptRecurrence = {
    value: v.start.date ? 'date' : 'date-time',
    dtstart: localFields(v.start.date ? v.start.floating : toFloating(v.startAt, v.zone), v.start.date),
    exdates: v.exdates, rdates: v.rdates, instances: v.instances,
  };
  if (v.start.date) recurrence.duration_days = v.days;
  else recurrence.duration_in = Math.round((v.endAt - v.startAt) / 1000);
  if (v.rrule) recurrence.rrule = v.rrule;
  ical.recurrence = recurrence;
  return base;
}

/**
 * Reads an iCalendar file's events for `owner`.
 * @param userZone - IANA zone floating times and all-day dates are read in
 * @param createdAt - ISO 8601 UTC, the new events' `created_at`
 * @returns the events (one per UID; moved and cancelled instances folded into their series) and the
 *   VEVENTs left out with the reason
 * @throws DomainError 400 when the text is not iCalendar, saying where the parse stopped
 */
export function readCalendar(body: string, owner: string, userZone: string, createdAt: string): ReadCalendar {
  const skipped: Skipped[] = [];
  const events = new Map<string, { record?: EventRecord; vevent: Vevent; source: string }>();
  const overrides: { uid: string; vevent: JComponent; source: string }[] = [];
  for (const calendar of parse(body)) {
    const source = text(calendar, 'x-wr-calname') ?? text(calendar, 'prodid') ?? 'iCalendar';
    for (const vevent of calendar[2]) {
      if (vevent[0] !== 'vevent') continue;
      const uid = text(vevent, 'uid');
      if (!uid) { skipped.push({ uid: '', reason: 'no UID' }); continue; }
      if (uid.length > MAX_UID_LENGTH) { skipped.push({ uid: uid.slice(0, MAX_UID_LENGTH), reason: `UID longer than ${MAX_UID_LENGTH} characters` }); continue; }
      if (property(vevent, 'recurrence-id')) { overrides.push({ uid, vevent, source }); continue; }
      try {
        if (events.has(uid)) skipped.push({ uid, reason: 'a second VEVENT with this UID (the last one is imported)' });
        events.set(uid, { vevent: readVevent(vevent, userZone), source });
      } catch (error) {
        if (!(error instanceof Skip)) throw error;
        events.delete(uid);
        skipped.push({ uid, reason: error.message });
      }
    }
  }
  // RECURRENCE-ID instances: a cancelled one becomes an EXDATE of its series, a moved one an instance of its own.
  for (const { uid, vevent } of overrides) {
    const series = events.get(uid)?.vevent;
    if (!series || (!series.rrule && !series.rdates.length)) { skipped.push({ uid, reason: 'an instance (RECURRENCE-ID) of a series the file does not hold' }); continue; }
    try {
      const [recurrenceId] = localList(property(vevent, 'recurrence-id')!, series.zone, series.start.date);
      const instance = readVevent(vevent, series.zone);
      if (instance.cancelled) series.exdates.push(recurrenceId!);
      else if (instance.transparent) series.exdates.push(recurrenceId!);
      else {
        series.instances.push({ recurrence_id: recurrenceId!, start_at: new Date(instance.startAt).toISOString(), end_at: new Date(instance.endAt).toISOString() });
      }
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      skipped.push({ uid, reason: `instance ${text(vevent, 'recurrence-id') ?? ''}: ${error.message}` });
    }
  }
  const records: EventRecord[] = [];
  for (const [uid, entry] of events) {
    try {
      records.push(toRecord(entry.vevent, owner, entry.source, createdAt));
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      skipped.push({ uid, reason: error.message });
    }
  }
  return { events: records, skipped };
}

/**
 * Deep equality of stored values (JSON-like: strings, numbers, booleans, arrays, objects); undefined
 * properties count as absent, and keys in `ignored` (at this level) are not compared.
 */
function same(a: unknown, b: unknown, ignored?: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key in left) {
    if (left[key] === undefined || ignored?.has(key)) continue;
    count++;
    if (!same(left[key], right[key])) return false;
  }
  for (const key in right) if (right[key] !== undefined && !ignored?.has(key)) count--;
  return count === 0;
}
/** What an import compares: the record without what the import does not set (members, location, creation time). */
const IGNORED = new Set(['accepted', 'invited', 'location', 'created_at']);
const unchangedContent = (before: EventRecord, after: EventRecord) => same(before, after, IGNORED);

/** The request body as the route received it. */
export interface CalendarBody { body?: string; isBase64Encoded?: boolean; contentType?: string }

/**
 * `POST /user/{id}/calendar_import`: imports an iCalendar file (`text/calendar`, at most 1 MiB) into
 * the caller's events. Each VEVENT lands on the event its UID names (an event of `google: true` with
 * `ical.uid` and `ical.source`): a second import updates it, or leaves it as it is when nothing
 * changed. Events missing from a later file are kept.
 * @returns counts of created, updated and unchanged events, and the VEVENTs skipped with the reason
 * @throws DomainError 403 for another user's id; 404 without a profile; 415 for another content type;
 *   413 over {@link MAX_IMPORT_BYTES}; 400 for an empty body or one that is not iCalendar (nothing is written)
 */
export async function importCalendar(deps: CalendarDeps, caller: Caller, id: string, request: CalendarBody): Promise<ImportSummary> {
  requireSelf(caller, id, "another user's calendar");
  const mediaType = (request.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'text/calendar') throw new DomainError(415, 'Content-Type must be text/calendar');
  // A text body (API Gateway passes text/* as text) is read as it is; a base64 one is decoded.
  const body = request.isBase64Encoded ? Buffer.from(request.body ?? '', 'base64').toString('utf8') : request.body ?? '';
  const size = Buffer.byteLength(body);
  if (size > MAX_IMPORT_BYTES) throw new DomainError(413, `The calendar is ${size} bytes; at most ${MAX_IMPORT_BYTES} bytes (1 MiB) can be imported at once`);
  if (!size) throw new DomainError(400, 'The body is empty: send the .ics file');
  const profile = await callerProfile(deps, caller);
  const now = new Date(deps.now()).toISOString();
  const { events, skipped } = readCalendar(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body, id, profile.time_zone, now);

  const existing = new Map((await deps.events.getEvents(events.map((e) => e.id))).map((e) => [e.id, e]));
  const created: EventRecord[] = [];
  const updated: EventRecord[] = [];
  let unchanged = 0;
  for (const event of events) {
    const before = existing.get(event.id);
    if (!before) created.push(event);
    else if (unchangedContent(before, event)) unchanged++;
    else updated.push({ ...event, created_at: before.created_at, ...(before.location ? { location: before.location } : {}) });
  }
  await deps.calendar.putImported(created, updated, now);
  if (created.length) metrics.addMetric('CalendarEventsImported', MetricUnit.Count, created.length);
  return { created: created.length, updated: updated.length, unchanged, skipped };
}
