/**
 * Token revocation records: "every token of user X issued before time T is refused".
 *
 * Cognito's GlobalSignOut invalidates refresh tokens but ID and access tokens stay valid until they
 * expire (up to 24 h). Darkroom closes that gap with one record per user in the auth table:
 * `{pk: 'USER#<sub>', sk: 'REVOKED', revoked_before: <epoch s>, expires_at: <epoch s>}`; the TTL is the
 * longest lifetime a token issued before the revocation can have, so the record disappears when no
 * such token can be alive any more.
 */
export interface RevocationStore {
  /**
   * Records that every token of `sub` issued at or before `at` is revoked.
   * @param sub - Cognito sub
   * @param at - epoch seconds (defaults to now)
   * @param maxTokenLifetime - seconds a token may live (TTL of the record), default 86,400 (Cognito's maximum for ID/access tokens)
   */
  revoke(sub: string, at?: number, maxTokenLifetime?: number): Promise<void>;
  /** @returns the revocation time of `sub` in epoch seconds, or undefined when none is in force */
  revokedBefore(sub: string): Promise<number | undefined>;
}

/** Key of a user's revocation record in the auth table. */
export const revocationKey = (sub: string) => ({ pk: `USER#${sub}`, sk: 'REVOKED' });

/**
 * The two operations of the auth table a {@link RevocationStore} needs. The JWT layer takes them from
 * its caller (the runtime layer, bundled into each function with its AWS SDK) instead of importing an
 * SDK: a layer that left `@aws-sdk/*` external would load the Lambda runtime's SDK, whose version AWS
 * changes without notice, while the function's DocumentClient is the bundled one. AWS recommends
 * shipping the SDK a function depends on in its package
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html, "Runtime-included SDK versions"
 * in https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html), so this layer relies on no SDK.
 */
export interface RevocationTable {
  /** @returns the item with `key` (strongly consistent read), or undefined */
  get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined>;
  put(item: Record<string, unknown>): Promise<void>;
}

/** A {@link RevocationStore} on a table with `pk`/`sk` string keys and TTL on `expires_at` (DynamoDB). */
export function tableRevocationStore(table: RevocationTable): RevocationStore {
  return {
    async revoke(sub, at = Math.floor(Date.now() / 1000), maxTokenLifetime = 86_400) {
      await table.put({ ...revocationKey(sub), revoked_before: at, expires_at: at + maxTokenLifetime });
    },
    async revokedBefore(sub) {
      const item = await table.get(revocationKey(sub));
      if (!item) return undefined;
      // DynamoDB TTL deletes lazily (up to days later): honour the expiry ourselves.
      if (typeof item.expires_at === 'number' && item.expires_at < Date.now() / 1000) return undefined;
      return Number(item.revoked_before);
    },
  };
}
