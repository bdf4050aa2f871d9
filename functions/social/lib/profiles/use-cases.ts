import type { Caller } from '@darkroom/jwt';
import { DomainError, metrics, MetricUnit } from '@darkroom/runtime';
import type { SocialDeps } from '../deps';
import { eventView, type EventView } from '../events/model';
import { isTimeZone } from '../events/recurrence';
import { LIMITS } from '../limits';
import type { Location, Profile } from './model';

const forbidden = (message: string) => new DomainError(403, message);
const notFound = (message = 'No such user') => new DomainError(404, message);

/** Refuses a write to another user's `{id}`. @throws DomainError 403 */
export function requireSelf(caller: Caller, id: string, what = 'another user'): void {
  if (caller.sub !== id) throw forbidden(`You cannot change ${what}: {id} must be your own id`);
}

/**
 * The caller's own profile.
 * @throws DomainError 404 when the caller has not created one (`POST /user`)
 */
export async function callerProfile(deps: SocialDeps, caller: Caller): Promise<Profile> {
  const profile = await deps.profiles.getProfile(caller.sub);
  if (!profile) throw notFound('Create your profile first (POST /user)');
  return profile;
}

/**
 * `POST /user`: creates the caller's profile, keyed by their Cognito sub. Idempotent: a second call
 * returns the same id and leaves the profile as it is.
 * @throws DomainError 403 when `email` is not the token's e-mail; 400 when the token carries none
 *   (an access token: send the ID token) or `time_zone` is unknown
 */
export async function createProfile(deps: SocialDeps, caller: Caller, input: { email: string; username: string; time_zone?: string }) {
  if (!caller.email) throw new DomainError(400, 'Send your Cognito ID token: it carries the e-mail address the profile needs');
  if (caller.email.toLowerCase() !== input.email.toLowerCase()) throw forbidden('email must be the e-mail address of your token');
  const timeZone = input.time_zone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new DomainError(400, `time_zone must be an IANA time zone name, got ${JSON.stringify(timeZone)}`);
  const { profile, created } = await deps.profiles.createProfile({
    id: caller.sub, username: input.username, email: caller.email.toLowerCase(), time_zone: timeZone,
    created_at: new Date(deps.now()).toISOString(),
  });
  if (created) metrics.addMetric('ProfilesCreated', MetricUnit.Count, 1);
  return { id: profile.id, created };
}

/**
 * Whether the caller may see `id`'s profile, schedule and free slots: themself, or a friend.
 * @returns the profile
 * @throws DomainError 404 when the user does not exist or is neither (not 403: a stranger learns nothing)
 */
export async function visibleProfile(deps: SocialDeps, caller: Caller, id: string): Promise<Profile> {
  const [profile, friends] = await Promise.all([
    deps.profiles.getProfile(id),
    caller.sub === id ? Promise.resolve(true) : deps.profiles.areFriends(caller.sub, id),
  ]);
  if (!profile || !friends) throw notFound();
  return profile;
}

/** The events a user holds: those they own and those they accepted. */
export async function scheduledEvents(deps: SocialDeps, user: string) {
  const memberships = await deps.events.memberships(user);
  return deps.events.getEvents(memberships.filter((m) => m.status === 'accepted').map((m) => m.event_id));
}

/**
 * `GET /user/{id}` and `GET /user/{id}/schedule`: `{id, username, schedule}`, the schedule being the
 * events the user owns or accepted, soonest first.
 * @throws DomainError 404 unless the caller is the user or a friend
 */
export async function userSchedule(deps: SocialDeps, caller: Caller, id: string): Promise<{ id: string; username: string; schedule: EventView[] }> {
  const profile = await visibleProfile(deps, caller, id);
  const now = deps.now();
  const events = await scheduledEvents(deps, id);
  // Attendance lists come with GET /event/{id}; the schedule lists when the user is busy.
  const schedule = events.map((event) => eventView(event, now)).sort((a, b) => a.start_time - b.start_time || a.id.localeCompare(b.id));
  return { id: profile.id, username: profile.username, schedule };
}

/**
 * Parses seed 004's coordinates (string floats, or numbers) and checks their range.
 * @throws DomainError 400 for a non-number, a latitude outside -90..90 or a longitude outside -180..180
 */
export function parseCoordinates(input: { latitude: string | number; longitude: string | number }, now: number): Location {
  const read = (value: string | number, field: string, limit: number) => {
    const number = typeof value === 'number' ? value : /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(number)) throw new DomainError(400, `${field} must be a number in degrees`);
    if (Math.abs(number) > limit) throw new DomainError(400, `${field} must be between -${limit} and ${limit}`);
    return number;
  };
  return { latitude: read(input.latitude, 'latitude', 90), longitude: read(input.longitude, 'longitude', 180), updated_at: new Date(now).toISOString() };
}

/**
 * `POST /user/{id}/location`: records the user's last position.
 * @throws DomainError 403 for another user's id; 400 for bad coordinates; 404 without a profile
 */
export async function setUserLocation(deps: SocialDeps, caller: Caller, id: string, input: { latitude: string | number; longitude: string | number }) {
  requireSelf(caller, id, "another user's location");
  const location = parseCoordinates(input, deps.now());
  await deps.profiles.setProfileLocation(id, location);
  return 'success';
}

/**
 * `POST /user/{id}/friend_request {from}`: `from` (the caller) asks `id` to be friends. When `id` had
 * already asked `from`, they become friends at once (one transaction) and the answer is `accepted`.
 * Asking a friend again answers `accepted`; asking again while pending answers `pending`.
 * @throws DomainError 403 when `from` is not the caller; 400 when asking oneself; 404 when either
 *   has no profile
 */
export async function sendFriendRequest(deps: SocialDeps, caller: Caller, id: string, from: string): Promise<'pending' | 'accepted'> {
  if (from !== caller.sub) throw forbidden('from must be your own id');
  if (id === from) throw new DomainError(400, 'You cannot befriend yourself');
  const [target] = await Promise.all([deps.profiles.getProfile(id), callerProfile(deps, caller)]);
  if (!target) throw notFound();
  if (await deps.profiles.areFriends(from, id)) return 'accepted';
  const now = new Date(deps.now()).toISOString();
  if (await deps.profiles.getRequest(from, id)) {
    await deps.profiles.befriend(from, id, now, { to: from, from: id });
    metrics.addMetric('FriendshipsMade', MetricUnit.Count, 1);
    return 'accepted';
  }
  await deps.profiles.putRequest({ from, to: id, created_at: now });
  metrics.addMetric('FriendRequestsSent', MetricUnit.Count, 1);
  return 'pending';
}

/**
 * `GET /user/{id}/friend_requests`: the caller's incoming pending requests, a page at a time (at most
 * {@link LIMITS.requestsPage}), in sender id order.
 * @throws DomainError 403 for another id; 400 for a cursor of another list
 */
export async function incomingRequests(deps: SocialDeps, caller: Caller, id: string, page: { limit?: number; cursor?: string } = {}) {
  requireSelf(caller, id, "another user's friend requests");
  const found = await deps.profiles.listRequests(id, page.limit ?? LIMITS.requestsPage, page.cursor);
  return { items: found.items.map(({ from, created_at }) => ({ from, created_at })), next_cursor: found.next_cursor };
}

/**
 * `POST /user/{id}/friend_request/{from}/accept|decline`: the caller (`id`) answers `from`'s request.
 * Accepting writes both friendship items and deletes the request in one transaction.
 * @throws DomainError 403 for another id; 404 when there is no such pending request
 */
export async function answerFriendRequest(deps: SocialDeps, caller: Caller, id: string, from: string, accept: boolean): Promise<'accepted' | 'declined'> {
  requireSelf(caller, id, "another user's friend requests");
  if (!accept) {
    await deps.profiles.deleteRequest(id, from);
    return 'declined';
  }
  if (!await deps.profiles.getRequest(id, from)) throw notFound('No such friend request');
  await deps.profiles.befriend(id, from, new Date(deps.now()).toISOString(), { to: id, from });
  metrics.addMetric('FriendshipsMade', MetricUnit.Count, 1);
  return 'accepted';
}

/** `DELETE /user/{id}/friends/{friendId}`: ends a friendship, both sides at once. @throws DomainError 403, 404 when not friends */
export async function removeFriend(deps: SocialDeps, caller: Caller, id: string, friendId: string) {
  requireSelf(caller, id, "another user's friends");
  await deps.profiles.unfriend(id, friendId);
  return 'success';
}

/**
 * `GET /user/{id}/friends`: friend ids, a page at a time (at most {@link LIMITS.friendsPage}).
 * @throws DomainError 404 unless the caller is the user or a friend; 400 for a foreign cursor
 */
export async function listFriends(deps: SocialDeps, caller: Caller, id: string, page: { limit?: number; cursor?: string } = {}) {
  await visibleProfile(deps, caller, id);
  return deps.profiles.listFriends(id, page.limit ?? LIMITS.friendsPage, page.cursor);
}
