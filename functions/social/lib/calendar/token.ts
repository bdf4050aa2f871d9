/**
 * Feed tokens and the feed route. Calendar apps subscribe to a URL and cannot send a bearer token, so
 * the feed URL carries a secret: 32 random bytes (base64url), stored as their SHA-256 only. Creating a
 * new token replaces the stored hash, so the previous token stops working with that write.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from '@darkroom/jwt';
import { DomainError, metrics, MetricUnit } from '@darkroom/runtime';
import { buildFeed, matchesEtag, type FeedEvent } from './feed';
import type { CalendarDeps } from './repository';
import type { Profile } from '../profiles/model';
import { callerProfile, requireSelf } from '../profiles/use-cases';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const noFeed = () => new DomainError(404, 'No such calendar feed: the token is wrong or was replaced');

/** The feed path of a user and token, relative to the API's base URL. */
export const feedPath = (id: string, token: string) => `/user/${encodeURIComponent(id)}/calendar.ics?token=${token}`;

/**
 * `POST /user/{id}/calendar_token`: creates the caller's feed token, or replaces it.
 * @param baseUrl - the API's absolute base URL, for `feed_url`
 * @returns the token (shown once), the feed URL to subscribe to and when the token was made
 * @throws DomainError 403 for another user's id; 404 without a profile
 */
export async function rotateFeedToken(deps: CalendarDeps, caller: Caller, id: string, baseUrl: string) {
  requireSelf(caller, id, "another user's calendar feed");
  await callerProfile(deps, caller);
  const token = randomBytes(32).toString('base64url');
  const createdAt = new Date(deps.now()).toISOString();
  await deps.calendar.putFeedToken(id, { token_sha256: sha256(token), created_at: createdAt });
  metrics.addMetric('CalendarTokensIssued', MetricUnit.Count, 1);
  return { token, feed_url: `${baseUrl}${feedPath(id, token)}`, created_at: createdAt };
}

/** At most this many event reads run at once while a feed is built. */
const READS_AT_ONCE = 25;
async function inChunks<T, R>(items: T[], read: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < items.length; index += READS_AT_ONCE) results.push(...await Promise.all(items.slice(index, index + READS_AT_ONCE).map(read)));
  return results;
}

/** A feed answer: the text and its ETag, or `not_modified` when If-None-Match holds the current ETag. */
export type FeedAnswer = { not_modified: boolean; body: string; etag: string };

/**
 * `GET /user/{id}/calendar.ics?token=`: the user's feed (the events they own or accepted).
 * @param ifNoneMatch - the request's If-None-Match header
 * @throws DomainError 404 when the user has no feed token or `token` is not it (a replaced token
 *   included), or the user has no profile
 */
export async function userFeed(deps: CalendarDeps, id: string, token: string, ifNoneMatch: string | undefined, baseUrl: string): Promise<FeedAnswer> {
  const stored = await deps.calendar.getFeedToken(id);
  const given = Buffer.from(sha256(token), 'hex');
  if (!stored || !timingSafeEqual(given, Buffer.from(stored.token_sha256, 'hex'))) throw noFeed();
  const owner = await deps.profiles.getProfile(id);
  if (!owner) throw noFeed();
  const memberships = (await deps.events.memberships(id)).filter((m) => m.status === 'accepted');
  const found = await inChunks(memberships, (m) => deps.events.getEvent(m.event_id));
  const events: FeedEvent[] = found.filter((f): f is NonNullable<typeof f> => Boolean(f));
  const ids = [...new Set(events.flatMap((e) => e.members.map((m) => m.user)))];
  const profiles = await inChunks(ids, (user) => (user === id ? Promise.resolve(owner) : deps.profiles.getProfile(user)));
  const people = new Map(profiles.filter((p): p is Profile => Boolean(p)).map((p) => [p.id, p]));
  const { body, etag } = buildFeed({ owner, events, people, baseUrl });
  return { not_modified: matchesEtag(ifNoneMatch, etag), body, etag };
}

/**
 * The API's absolute base URL as the request reached it: `X-Forwarded-Proto` (API Gateway sets it),
 * else `http` for a loopback host (the local stack) and `https` for any other; the host is the
 * request's domain name.
 */
export function apiBaseUrl(event: { headers?: Record<string, string | undefined>; requestContext: { domainName: string } }): string {
  const host = event.headers?.host ?? event.requestContext.domainName;
  const proto = event.headers?.['x-forwarded-proto'] ?? (/^(127\.|localhost|\[::1\])/.test(host) ? 'http' : 'https');
  return `${proto}://${host}`;
}
