/**
 * The DynamoDB implementation of the jwt layer's {@link RevocationStore} (types and rules in
 * layers/jwt/src/revocations.ts). It lives here, bundled into each function with its AWS SDK, so the jwt
 * layer relies on no SDK, neither its own nor the Lambda runtime's.
 */
import { PutCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { revocationKey, type RevocationStore } from '@darkroom/jwt';
import { conditionFailed as isConditionFailure } from './dynamodb/transactions';

/** A {@link RevocationStore} on a DynamoDB table with `pk`/`sk` string keys and TTL on `expires_at`. */
export function dynamoRevocationStore(doc: DynamoDBDocumentClient, tableName: string): RevocationStore {
  return {
    async revoke(sub, { at = Math.floor(Date.now() / 1000), maxTokenLifetime = 86_400 } = {}) {
      try {
        // A logout in a later second replaces the record (and the sessions admitted after the older one).
        await doc.send(new PutCommand({
          TableName: tableName,
          Item: { ...revocationKey(sub), revoked_before: at, admitted: [], expires_at: at + maxTokenLifetime },
          ConditionExpression: 'attribute_not_exists(revoked_before) OR revoked_before < :at',
          ExpressionAttributeValues: { ':at': at },
        }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Same second (or another instance's clock ahead): the sessions admitted since are over too.
        await doc.send(new UpdateCommand({
          TableName: tableName, Key: revocationKey(sub), UpdateExpression: 'SET admitted = :none', ExpressionAttributeValues: { ':none': [] },
        }));
      }
    },
    async admit(sub, { authTime, sessionId }) {
      if (!sessionId) return;
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: revocationKey(sub),
          UpdateExpression: 'SET admitted = list_append(if_not_exists(admitted, :none), :session)',
          ConditionExpression: 'revoked_before = :authTime',
          ExpressionAttributeValues: { ':none': [], ':session': [sessionId], ':authTime': authTime },
        }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
    async revocation(sub) {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: revocationKey(sub), ConsistentRead: true }));
      if (!Item) return undefined;
      // DynamoDB TTL deletes lazily (up to days later): honour the expiry ourselves.
      if (typeof Item.expires_at === 'number' && Item.expires_at < Date.now() / 1000) return undefined;
      return { before: Number(Item.revoked_before), admitted: Array.isArray(Item.admitted) ? Item.admitted.map(String) : [] };
    },
  };
}
