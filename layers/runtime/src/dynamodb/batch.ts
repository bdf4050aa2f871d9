import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoff } from './retry';

/** Keys per BatchGetItem request and writes per BatchWriteItem request (DynamoDB's limits). */
export const BATCH_GET_KEYS = 100;
export const BATCH_WRITE_ITEMS = 25;
/** Requests per chunk before unprocessed keys count as a failure. */
export const BATCH_ATTEMPTS = 8;

type Key = Record<string, unknown>;

/** Options of {@link batchGet}. */
export interface BatchGetOptions {
  /** Attribute names to return (default: all). */
  projection?: string[];
  /** Strongly consistent reads (default true). */
  consistent?: boolean;
}

/**
 * Reads items by key with BatchGetItem: 100 keys a request; unprocessed keys are retried with capped,
 * jittered backoff (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
 * @returns the items found (missing keys left out), in no particular order
 * @throws Error when keys stay unprocessed after {@link BATCH_ATTEMPTS} requests
 */
export async function batchGet<T = Record<string, unknown>>(doc: DynamoDBDocumentClient, tableName: string, keys: readonly Key[], options: BatchGetOptions = {}): Promise<T[]> {
  const found: T[] = [];
  const names = options.projection ? Object.fromEntries(options.projection.map((name, i) => [`#p${i}`, name])) : undefined;
  for (let offset = 0; offset < keys.length; offset += BATCH_GET_KEYS) {
    let pending: Key[] = keys.slice(offset, offset + BATCH_GET_KEYS);
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (attempt) await backoff(attempt - 1);
      const result = await doc.send(new BatchGetCommand({
        RequestItems: {
          [tableName]: {
            Keys: pending, ConsistentRead: options.consistent ?? true,
            ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
          },
        },
      }));
      found.push(...((result.Responses?.[tableName] ?? []) as T[]));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
  }
  return found;
}

/** One write of {@link batchWrite}: a put of an item or a delete by key. */
export type BatchWriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Key } };

/**
 * Writes with BatchWriteItem: 25 a request; unprocessed writes are retried with capped, jittered backoff
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html). Not atomic.
 * @throws Error when writes stay unprocessed after {@link BATCH_ATTEMPTS} requests
 */
export async function batchWrite(doc: DynamoDBDocumentClient, tableName: string, requests: readonly BatchWriteRequest[]): Promise<void> {
  for (let offset = 0; offset < requests.length; offset += BATCH_WRITE_ITEMS) {
    let pending = requests.slice(offset, offset + BATCH_WRITE_ITEMS);
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) throw new Error(`BatchWriteItem left ${pending.length} writes unprocessed`);
      if (attempt) await backoff(attempt - 1);
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: [...pending] as never } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as BatchWriteRequest[];
    }
  }
}

/** Deletes items by key with {@link batchWrite}. */
export const batchDelete = (doc: DynamoDBDocumentClient, tableName: string, keys: readonly Key[]): Promise<void> =>
  batchWrite(doc, tableName, keys.map((Key) => ({ DeleteRequest: { Key } })));
