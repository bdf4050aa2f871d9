import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A user's logout, as the JWT layer checks it: every session that began in an earlier second than
 * `before` is over, and so is every session named in `sessions`, whenever it began.
 */
export interface Revocation {
  /** Epoch seconds of the last logout. */
  before: number;
  /**
   * The sessions (Cognito `origin_jti`, else `event_id`) logged out in the second `before`: the one that
   * called logout, and any other logged out in that same second.
   */
  sessions: string[];
}

/**
 * What a revocation check needs to know about a token: when its session began (`auth_time`, kept by
 * Cognito across refreshes) and which session it belongs to.
 */
export interface SessionOfToken {
  /** Epoch seconds. */
  authTime: number;
  /** Cognito `origin_jti` (same for every token of one refresh token), else `event_id`; undefined when neither. */
  sessionId?: string;
}

/**
 * Whether a token is refused by `revocation`.
 *
 * Cognito's times are whole seconds, so "began before the logout" cannot be decided inside the logout's
 * own second: a session begun in an earlier second is over; one of the logged-out sessions is over
 * whenever it began (its refreshed tokens keep its `origin_jti`); a token that names no session is over
 * when it began in the logout's second too (the safe side); any other session begun in that second is a
 * new login and works. The one thing this leaves open: a second device that logged in during the very
 * second of the logout, before it, keeps its ID and access tokens (its refresh token is still dropped
 * by Cognito's GlobalSignOut).
 */
export function isRevoked(token: SessionOfToken, revocation: Revocation | undefined): boolean {
  if (!revocation) return false;
  if (token.authTime < revocation.before) return true;
  if (token.sessionId === undefined) return token.authTime <= revocation.before;
  return revocation.sessions.includes(token.sessionId);
}

/**
 * Token revocation records: "every session of user X that began before time T, and session S, are over".
 *
 * Cognito's GlobalSignOut invalidates refresh tokens but ID and access tokens stay valid until they
 * expire (up to 24 h). Darkroom closes that gap with one record per user in the auth table:
 * `{pk: 'USER#<sub>', sk: 'REVOKED', revoked_before: <epoch s>, sessions: [<origin_jti>...], expires_at: <epoch s>}`;
 * the TTL is the longest lifetime a token issued before the revocation can have, so the record
 * disappears when no such token can be alive any more.
 */
export interface RevocationStore {
  /**
   * Records a logout of `sub`: every session begun before the second `at`, and `session`, are over.
   * A second logout within the same second adds its session to that second's list.
   * @param options.at - epoch seconds (defaults to now)
   * @param options.session - the logging-out session (Cognito `origin_jti`, else `event_id`)
   * @param options.maxTokenLifetime - seconds a token may live (TTL of the record), default 86,400
   *   (Cognito's maximum for ID/access tokens)
   */
  revoke(sub: string, options?: { at?: number; session?: string; maxTokenLifetime?: number }): Promise<void>;
  /** @returns the revocation of `sub` in force, or undefined when none is */
  revocation(sub: string): Promise<Revocation | undefined>;
}

/** Key of a user's revocation record in the auth table. */
export const revocationKey = (sub: string) => ({ pk: `USER#${sub}`, sk: 'REVOKED' });

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';

/** A {@link RevocationStore} on a DynamoDB table with `pk`/`sk` string keys and TTL on `expires_at`. */
export function dynamoRevocationStore(doc: DynamoDBDocumentClient, tableName: string): RevocationStore {
  return {
    async revoke(sub, { at = Math.floor(Date.now() / 1000), session, maxTokenLifetime = 86_400 } = {}) {
      const sessions = session ? [session] : [];
      try {
        // A logout in a later second replaces the record: earlier sessions are covered by the time.
        await doc.send(new PutCommand({
          TableName: tableName,
          Item: { ...revocationKey(sub), revoked_before: at, sessions, expires_at: at + maxTokenLifetime },
          ConditionExpression: 'attribute_not_exists(revoked_before) OR revoked_before < :at',
          ExpressionAttributeValues: { ':at': at },
        }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Same second (or another instance's clock ahead): keep that time, add this session to its list.
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: revocationKey(sub),
          UpdateExpression: 'SET sessions = list_append(if_not_exists(sessions, :none), :sessions)',
          ExpressionAttributeValues: { ':none': [], ':sessions': sessions },
        }));
      }
    },
    async revocation(sub) {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: revocationKey(sub), ConsistentRead: true }));
      if (!Item) return undefined;
      // DynamoDB TTL deletes lazily (up to days later): honour the expiry ourselves.
      if (typeof Item.expires_at === 'number' && Item.expires_at < Date.now() / 1000) return undefined;
      return { before: Number(Item.revoked_before), sessions: Array.isArray(Item.sessions) ? Item.sessions.map(String) : [] };
    },
  };
}
