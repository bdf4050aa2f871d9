import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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

/** A {@link RevocationStore} on a DynamoDB table with `pk`/`sk` string keys and TTL on `expires_at`. */
export function dynamoRevocationStore(doc: DynamoDBDocumentClient, tableName: string): RevocationStore {
  return {
    async revoke(sub, at = Math.floor(Date.now() / 1000), maxTokenLifetime = 86_400) {
      await doc.send(new PutCommand({
        TableName: tableName,
        Item: { ...revocationKey(sub), revoked_before: at, expires_at: at + maxTokenLifetime },
      }));
    },
    async revokedBefore(sub) {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: revocationKey(sub), ConsistentRead: true }));
      if (!Item) return undefined;
      // DynamoDB TTL deletes lazily (up to days later): honour the expiry ourselves.
      if (typeof Item.expires_at === 'number' && Item.expires_at < Date.now() / 1000) return undefined;
      return Number(Item.revoked_before);
    },
  };
}
