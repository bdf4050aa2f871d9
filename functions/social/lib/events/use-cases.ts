import { randomUUID } from 'node:crypto';
import type { Caller } from '@darkroom/jwt';
import { DomainError, metrics, MetricUnit } from '@darkroom/runtime';
import type { SocialDeps } from '../deps';
import { LIMITS } from '../limits';
import { callerProfile, parseCoordinates, requireSelf, scheduledEvents, visibleProfile } from '../profiles/use-cases';
import { buildEvent, busyIntervals, eventView, occurrenceAt, type EventInput, type EventRecord, type EventView, type Member } from './model';
import { parseInstant } from './recurrence';
import { commonFreeSlots, freeSlots, MAX_RANGE_MS, type FreeSlot } from './slots';

const forbidden = (message: string) => new DomainError(403, message);
const noEvent = () => new DomainError(404, 'No such event');

/**
 * `POST /event`: creates the caller's event (and their membership as owner, in one transaction).
 * @returns the new event's id
 * @throws DomainError 403 when `owner` is not the caller; 400 for the bad times listed at {@link buildEvent};
 *   404 when the caller has no profile
 */
export async function createEvent(deps: SocialDeps, caller: Caller, input: EventInput): Promise<{ id: string }> {
  const profile = await callerProfile(deps, caller);
  const now = deps.now();
  const event = buildEvent(input, randomUUID(), caller.sub, profile, now);
  const at = new Date(now).toISOString();
  await deps.events.createEvent(event, { event_id: event.id, user: caller.sub, role: 'owner', status: 'accepted', updated_at: at });
  metrics.addMetric('EventsCreated', MetricUnit.Count, 1);
  return { id: event.id };
}

/** A member who has not declined: the owner, the invited and the accepted. */
const isMember = (members: Member[], user: string) => members.some((m) => m.user === user && m.status !== 'declined');

/**
 * The event and its members, for a caller who is one of them.
 * @throws DomainError 404 when the event does not exist, or (`hidden`) the caller is not a member;
 *   403 when not a member and not `hidden`
 */
async function memberEvent(deps: SocialDeps, caller: Caller, id: string, hidden: boolean) {
  const found = await deps.events.getEvent(id);
  if (!found) throw noEvent();
  if (!isMember(found.members, caller.sub)) throw hidden ? noEvent() : forbidden('Only the event\'s members may do that');
  return found;
}

/** The event, for its owner. @throws DomainError 404, 403 when the caller is not the owner */
async function ownedEvent(deps: SocialDeps, caller: Caller, id: string) {
  const found = await deps.events.getEvent(id);
  if (!found) throw noEvent();
  if (found.event.owner !== caller.sub) throw forbidden('Only the event\'s owner may do that');
  return found;
}

/** `GET /event/{id}`: the event as its members see it. @throws DomainError 404 for a missing event or a non-member */
export async function getEvent(deps: SocialDeps, caller: Caller, id: string): Promise<EventView> {
  const { event } = await memberEvent(deps, caller, id, true);
  return eventView(event, deps.now());
}

/**
 * `GET /user/{id}/events`: the events the caller owns or is invited to (declined ones left out), with
 * their attendance, a page at a time (at most {@link LIMITS.eventsPage}) in event id order, so that
 * paging never skips or repeats an event whose next occurrence moves meanwhile.
 * @throws DomainError 403 for another user's id; 400 for a cursor of another list
 */
export async function userEvents(deps: SocialDeps, caller: Caller, id: string, page: { limit?: number; cursor?: string } = {}): Promise<{ items: EventView[]; next_cursor: string | null }> {
  requireSelf(caller, id, "another user's invitations");
  const memberships = await deps.events.activeMemberships(id, page.limit ?? LIMITS.eventsPage, page.cursor);
  const found = await Promise.all(memberships.items.map((m) => deps.events.getEvent(m.event_id)));
  const now = deps.now();
  return { items: found.filter((f): f is NonNullable<typeof f> => Boolean(f)).map((f) => eventView(f.event, now)), next_cursor: memberships.next_cursor };
}

/**
 * `POST /event/{id}/people {users}`: the owner invites friends. Already-invited or attending users are
 * left as they are; a user who declined is invited again.
 * @returns the event's invited and accepted ids afterwards
 * @throws DomainError 403 for a non-owner or a user who is not the owner's friend (nothing is written);
 *   400 past {@link LIMITS.membersPerEvent} members
 */
export async function invitePeople(deps: SocialDeps, caller: Caller, id: string, users: string[]) {
  const { event, members } = await ownedEvent(deps, caller, id);
  const wanted = [...new Set(users)].filter((user) => user !== caller.sub);
  const friendship = await Promise.all(wanted.map((user) => deps.profiles.areFriends(caller.sub, user)));
  const strangers = wanted.filter((_, index) => !friendship[index]);
  if (strangers.length) throw forbidden(`You can invite only your friends; not friends: ${strangers.join(', ')}`);
  const at = new Date(deps.now()).toISOString();
  const declined = wanted.filter((user) => members.some((m) => m.user === user && m.status === 'declined'));
  const fresh = wanted.filter((user) => !members.some((m) => m.user === user));
  if (members.length + fresh.length > LIMITS.membersPerEvent) throw new DomainError(400, `An event has at most ${LIMITS.membersPerEvent} members`);
  if (fresh.length) {
    await deps.events.addMembers(fresh.map((user) => ({ event_id: id, user, role: 'guest', status: 'invited', updated_at: at })));
  }
  for (const user of declined) await deps.events.setMemberStatus(id, user, 'invited', at);
  if (fresh.length) metrics.addMetric('Invitations', MetricUnit.Count, fresh.length);
  const invited = new Set([...event.invited, ...fresh, ...declined]);
  return { invited: [...invited].sort(), accepted: [...event.accepted].sort() };
}

/**
 * `POST /event/{id}/people/{userId} {status}`: an invitee accepts or declines.
 * @throws DomainError 403 when answering for someone else; 404 when not invited; 400 for the owner
 */
export async function answerInvitation(deps: SocialDeps, caller: Caller, id: string, userId: string, status: 'accepted' | 'declined') {
  requireSelf(caller, userId, "another user's answer");
  const found = await deps.events.getEvent(id);
  const member = found?.members.find((m) => m.user === userId);
  if (!found || !member) throw new DomainError(404, 'You are not invited to this event');
  if (member.role === 'owner') throw new DomainError(400, 'The owner attends their own event');
  await deps.events.setMemberStatus(id, userId, status, new Date(deps.now()).toISOString());
  return status;
}

/**
 * `DELETE /event/{id}/people/{userId}`: the owner removes someone, or a member leaves.
 * @throws DomainError 403 for anyone else; 404 when not a member; 400 for removing the owner
 */
export async function removePerson(deps: SocialDeps, caller: Caller, id: string, userId: string) {
  const found = await deps.events.getEvent(id);
  if (!found) throw noEvent();
  if (caller.sub !== userId && found.event.owner !== caller.sub) throw forbidden('Only the owner, or the person themself, may do that');
  if (userId === found.event.owner) throw new DomainError(400, 'The owner cannot be removed from their event');
  await deps.events.removeMember(id, userId);
  return 'success';
}

/** `POST /event/{id}/location`: the owner sets the event's place. @throws DomainError 403, 404, 400 */
export async function setEventLocation(deps: SocialDeps, caller: Caller, id: string, input: { latitude: string | number; longitude: string | number }) {
  const location = parseCoordinates(input, deps.now());
  await ownedEvent(deps, caller, id);
  await deps.events.setEventLocation(id, location);
  return 'success';
}

/**
 * `GET /event/{id}/locations`: the last locations of the people attending (owner and accepted), for
 * members only, and only from {@link LIMITS.locationLeadMs} before the (current or next) occurrence
 * until its end: before that, members learn nothing of where the others are.
 * @throws DomainError 403 for a non-member or outside that window; 404 for a missing event
 */
export async function eventLocations(deps: SocialDeps, caller: Caller, id: string) {
  const { event } = await memberEvent(deps, caller, id, false);
  const now = deps.now();
  const occurrence = occurrenceAt(event, now);
  if (!occurrence || now < occurrence.start - LIMITS.locationLeadMs || now >= occurrence.end) {
    throw forbidden('Locations are shared only from one hour before the event until its end');
  }
  const profiles = await Promise.all(event.accepted.map((user) => deps.profiles.getProfile(user)));
  return profiles.flatMap((p) => p?.location ? [{ id: p.id, username: p.username, ...p.location }] : []);
}

/** A free-slot query as the routes take it (`from`/`to` ISO 8601 or unix seconds). */
export interface SlotQuery { from?: string; to?: string; min_duration?: number; max_weight?: number }

/**
 * The query's range and options.
 * @throws DomainError 400 for an unreadable time, `to` not after `from`, or a range over 90 days
 */
export function slotRange(query: SlotQuery, now: number) {
  const from = query.from === undefined ? now : parseInstant(query.from, 'from');
  const to = query.to === undefined ? from + LIMITS.defaultRangeDays * 86_400_000 : parseInstant(query.to, 'to');
  if (to <= from) throw new DomainError(400, 'to must be after from');
  if (to - from > MAX_RANGE_MS) throw new DomainError(400, 'The range spans at most 90 days');
  return {
    range: { from, to },
    options: { minDuration: (query.min_duration ?? LIMITS.defaultMinDuration) * 60_000, maxWeight: query.max_weight ?? 0 },
  };
}

const slotView = (slot: FreeSlot) => ({ start_at: new Date(slot.start).toISOString(), end_at: new Date(slot.end).toISOString(), weight: slot.weight });

/**
 * `GET /user/{id}/free_slots`: when the user (the caller or a friend) is free in `[from, to)`.
 * @throws DomainError 404 unless the caller is the user or a friend; 400 for a bad range
 */
export async function userFreeSlots(deps: SocialDeps, caller: Caller, id: string, query: SlotQuery) {
  const { range, options } = slotRange(query, deps.now());
  await visibleProfile(deps, caller, id);
  const events = await scheduledEvents(deps, id);
  return freeSlots(busyIntervals(events, range.from, range.to), range, options).map(slotView);
}

/**
 * `GET /event/{id}/free_slots`: the best common free slots of the owner and every accepted invitee
 * (at most 10, least weight first, then longest). The event's own occurrences do not block.
 * @throws DomainError 403 for a non-member; 404 for a missing event; 400 for a bad range
 */
export async function eventFreeSlots(deps: SocialDeps, caller: Caller, id: string, query: SlotQuery) {
  const { range, options } = slotRange(query, deps.now());
  const { event } = await memberEvent(deps, caller, id, false);
  const calendars = await Promise.all(event.accepted.map(async (user) => {
    const events: EventRecord[] = (await scheduledEvents(deps, user)).filter((e) => e.id !== id);
    return busyIntervals(events, range.from, range.to);
  }));
  return commonFreeSlots(calendars, range, options).map(slotView);
}
