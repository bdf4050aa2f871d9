import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionFailed, tooManyRequests } from '@darkroom/runtime';

/**
 * Rate limits kept as fixed-window counters in the auth table:
 * `{pk: 'LIMIT#<name>#<subject>', sk: 'WINDOW#<window start, epoch s>', count, expires_at}`, one atomic
 * conditional UpdateItem per attempt, the record deleted by DynamoDB TTL once its window is over.
 *
 * A fixed window lets at most `2 x max` attempts through around a window boundary; that is the price of
 * one write per attempt, and still far below what guessing a 6-digit code or a password needs.
 */
export interface RateLimit {
  /** Part of the key, e.g. `LOGIN`. */
  name: string;
  /** Attempts allowed per subject per window. */
  max: number;
  /** Window length, seconds; windows start at multiples of it since the epoch (so 86,400 = a UTC day). */
  windowSeconds: number;
  /** What the 429 says; `Retry-After` gives the seconds left in the window. */
  message: string;
}

/**
 * The login limits. Wrong passwords count per username (lower-cased, as the pool is case-insensitive),
 * whether the account exists or not, so the limit reveals nothing about accounts.
 *
 * Failed logins count twice, so that guessing locks out the guesser, not the account's owner:
 * - per username AND source address ({@link LOGIN_LIMITS.login}): 5 per 15 minutes. These are Cognito's own
 *   numbers: "After five failed [...] sign-in attempts with a password, Amazon Cognito locks out your user
 *   for one second. The lockout duration then doubles after each additional failed attempt, up to a
 *   maximum of approximately 15 minutes", and 15 minutes without attempts resets it (Amazon Cognito
 *   Developer Guide, "Lockout behavior for failed sign-in attempts",
 *   docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior);
 * - per username from all addresses ({@link LOGIN_LIMITS.loginCeiling}): 20 per 15 minutes, four addresses'
 *   worth. It caps a guesser spread over many addresses at 80 guesses an hour per account (1,920 a
 *   day), at the price of locking the owner out only while such an attack runs. Cognito's exponential lockout, which counts per user, still
 *   stands behind both on AWS (it lets ~15 failures through in 15 busy minutes).
 *
 * Every limit kept in the auth table needs its own `name` (the key's prefix): the auth service's other
 * limits (functions/auth/lib/limits.ts) extend this table.
 */
export const LOGIN_LIMITS = {
  /** 5 failed logins per username per source address per 15 minutes (auth user_login, photos login). */
  login: { name: 'LOGIN', max: 5, windowSeconds: 900, message: 'Too many failed logins for this user from your address: try again later' },
  /** 20 failed logins per username per 15 minutes from all addresses together (auth user_login, photos login). */
  loginCeiling: { name: 'LOGINALL', max: 20, windowSeconds: 900, message: 'Too many failed logins for this user: try again later' },
} as const satisfies Record<string, RateLimit>;

export interface LimitsDeps { dynamo: DynamoDBDocumentClient; authTable: string }

/** A taken attempt: `count` attempts used in this window, and a way to give this one back. */
export interface Attempt {
  count: number;
  remaining: number;
  /** Returns the attempt (it did not count, e.g. the password was right). Never throws. */
  release(): Promise<void>;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Takes one attempt from `subject`'s allowance under `limit`, atomically (a conditional UpdateItem that
 * only increments below `max`, so concurrent requests cannot overshoot).
 * @param subject - who is limited: a username, a sender's sub; lower-cased here
 * @throws 429 (DomainError with `Retry-After`, seconds to the window's end) when the allowance is used up
 */
export async function takeAttempt(deps: LimitsDeps, limit: RateLimit, subject: string, now = nowSeconds()): Promise<Attempt> {
  const start = now - (now % limit.windowSeconds);
  const end = start + limit.windowSeconds;
  const Key = { pk: `LIMIT#${limit.name}#${subject.toLowerCase()}`, sk: `WINDOW#${start}` };
  let count: number;
  try {
    const { Attributes } = await deps.dynamo.send(new UpdateCommand({
      TableName: deps.authTable,
      Key,
      UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one, expires_at = :end',
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': limit.max, ':end': end },
      ReturnValues: 'UPDATED_NEW',
    }));
    count = Number(Attributes?.count ?? 1);
  } catch (error) {
    if (conditionFailed(error)) {
      throw tooManyRequests(limit.message, Math.max(1, end - now));
    }
    throw error;
  }
  return {
    count,
    remaining: limit.max - count,
    release: async () => {
      await deps.dynamo.send(new UpdateCommand({
        TableName: deps.authTable,
        Key,
        UpdateExpression: 'SET #count = #count - :one',
        ConditionExpression: '#count > :zero',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
      })).catch(() => undefined);
    },
  };
}

/**
 * Runs `attempt` under one or more limits, each with its subject (checked in order: a later one is not
 * taken when an earlier one is used up): counts it only when it fails with an error `counts` accepts (a
 * wrong password or code); any other outcome gives the attempts back.
 * @param limits - one `[limit, subject]` pair, or a list of them
 * @returns what `attempt` returns
 * @throws 429 of the first limit used up (before `attempt` runs); otherwise whatever `attempt` throws
 */
export async function limited<T>(
  deps: LimitsDeps, limits: Array<[RateLimit, string]>, attempt: () => Promise<T>, counts: (error: unknown) => boolean,
): Promise<T> {
  const taken: Attempt[] = [];
  const releaseAll = () => Promise.all(taken.map((one) => one.release()));
  try {
    for (const [limit, subject] of limits) taken.push(await takeAttempt(deps, limit, subject));
  } catch (error) {
    await releaseAll();
    throw error;
  }
  try {
    const result = await attempt();
    await releaseAll();
    return result;
  } catch (error) {
    if (!counts(error)) await releaseAll();
    throw error;
  }
}

/**
 * The part of a client's address that a login limit counts by: an IPv4 address as it is, an IPv6 address
 * by its /64 prefix (one subscriber gets a whole /64, so counting single v6 addresses would let one
 * guesser use 2^64 of them), `unknown` when there is none.
 */
export function sourceKey(sourceIp: string | undefined): string {
  const ip = sourceIp?.trim().toLowerCase();
  if (!ip) return 'unknown';
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (v4) return v4[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
