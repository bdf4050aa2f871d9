/**
 * A user's last logout, as the JWT layer checks it: every session that began before it is over.
 *
 * Cognito's times (`auth_time`, `iat`) are whole seconds, so "before the logout" cannot be read off a
 * token that began in the logout's own second. Those sessions are over too, except the ones a Darkroom
 * login admitted after the logout ({@link RevocationStore.admit}): a user who logs in again within the
 * same second as their logout gets a working session, while every token of the sessions the logout
 * ended, refreshed ones included (they keep `auth_time` and `origin_jti`), stays refused.
 */
export interface Revocation {
  /** Epoch seconds of the last logout. */
  before: number;
  /**
   * Sessions (Cognito `origin_jti`, else `event_id`) that began in the second `before`, after the logout:
   * admitted by a Darkroom login that found this revocation already written.
   */
  admitted: string[];
}

/**
 * What a revocation check needs to know about a token: when its session began (`auth_time`, kept by
 * Cognito across refreshes) and which session it belongs to.
 */
export interface SessionOfToken {
  /** Epoch seconds. */
  authTime: number;
  /** Cognito `origin_jti` (the same in every token of one refresh token), else `event_id`; undefined when neither. */
  sessionId?: string;
}

/**
 * Whether a token is refused by `revocation`: its session began in an earlier second than the logout,
 * or in the logout's second without having been admitted after it ({@link Revocation.admitted}). A
 * session begun in the logout's second by another way than a Darkroom login (the hosted UI directly) is
 * refused until its user logs in again: the safe side.
 */
export function isRevoked(token: SessionOfToken, revocation: Revocation | undefined): boolean {
  if (!revocation || token.authTime > revocation.before) return false;
  if (token.authTime < revocation.before) return true;
  return token.sessionId === undefined || !revocation.admitted.includes(token.sessionId);
}

/**
 * Token revocation records: "every session of user X that began before their logout at T is over".
 *
 * Cognito's GlobalSignOut invalidates refresh tokens but ID and access tokens stay valid until they
 * expire (up to 24 h). Darkroom closes that gap with one record per user in the auth table:
 * `{pk: 'USER#<sub>', sk: 'REVOKED', revoked_before: <epoch s>, admitted: [<origin_jti>...], expires_at: <epoch s>}`;
 * the TTL is the longest lifetime a token issued before the revocation can have, so the record
 * disappears when no such token can be alive any more.
 */
export interface RevocationStore {
  /**
   * Records a logout of `sub`: every session begun before now is over. A second logout within the same
   * second also ends the sessions admitted since the first.
   * @param options.at - epoch seconds (defaults to now)
   * @param options.maxTokenLifetime - seconds a token may live (TTL of the record), default 86,400
   *   (Cognito's maximum for ID/access tokens)
   */
  revoke(sub: string, options?: { at?: number; maxTokenLifetime?: number }): Promise<void>;
  /**
   * Admits a session that a login has just begun: when `sub`'s last logout fell in the very second the
   * session began (`authTime`), the session is listed as begun after it. Otherwise nothing is written
   * (one conditional UpdateItem, refused by DynamoDB when there is nothing to do). Never throws for that.
   */
  admit(sub: string, session: SessionOfToken): Promise<void>;
  /** @returns the revocation of `sub` in force, or undefined when none is */
  revocation(sub: string): Promise<Revocation | undefined>;
}

/**
 * Key of a user's revocation record in the auth table. The DynamoDB implementation of the store lives
 * in the runtime layer (`dynamoRevocationStore` in layers/runtime/src/revocations.ts), bundled into each
 * function with the function's AWS SDK: this layer imports no SDK. A layer that left `@aws-sdk/*`
 * external would load the Lambda runtime's SDK, whose version AWS changes without notice, while the
 * function's DocumentClient is the bundled one; AWS recommends shipping the SDK a function depends on
 * in its package ("Runtime-included SDK versions", https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html).
 * The build fails if the layer requires an SDK package (scripts/build/build.ts).
 */
export const revocationKey = (sub: string) => ({ pk: `USER#${sub}`, sk: 'REVOKED' });
