import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { BATCH_GET_KEYS, BATCH_WRITE_ITEMS } from './limits';

/** The datasets table and the document client that reaches it. */
export interface DatasetsTable {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export type ItemKey = { pk: string; sk: string };

/**
 * Why each action of a cancelled transaction failed, in action order (`None` for the ones that did not).
 * @returns the codes (`ConditionalCheckFailed`, `TransactionConflict`, ...), or undefined when `error` is not a cancellation
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException) && (error as { name?: string })?.name !== 'TransactionCanceledException') return undefined;
  return ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** Sleeps a random time up to `2^attempt * 20 ms` (full jitter, AWS's backoff advice), at most 1 s. */
export const backoff = (attempt: number) => new Promise((done) => setTimeout(done, Math.random() * Math.min(1000, 20 * 2 ** attempt)));

/** Every item a Query returns, page after page. */
export async function queryAll<T>(table: DatasetsTable, input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(new QueryCommand({ ...input, TableName: table.tableName, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Reads items by key with BatchGetItem: 100 keys a request, unprocessed keys retried with backoff
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
 * @returns the items found, in no particular order
 * @throws Error when keys stay unprocessed after 8 attempts
 */
export async function batchGet<T>(table: DatasetsTable, keys: ItemKey[], options: { projection?: string[]; consistent?: boolean } = {}): Promise<T[]> {
  const found: T[] = [];
  const names = options.projection ? Object.fromEntries(options.projection.map((name, i) => [`#p${i}`, name])) : undefined;
  for (let offset = 0; offset < keys.length; offset += BATCH_GET_KEYS) {
    let pending: ItemKey[] = keys.slice(offset, offset + BATCH_GET_KEYS);
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt >= 8) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (attempt) await backoff(attempt);
      const result = await table.doc.send(new BatchGetCommand({
        RequestItems: {
          [table.tableName]: {
            Keys: pending, ConsistentRead: options.consistent ?? true,
            ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
          },
        },
      }));
      found.push(...((result.Responses?.[table.tableName] ?? []) as T[]));
      pending = (result.UnprocessedKeys?.[table.tableName]?.Keys ?? []) as ItemKey[];
    }
  }
  return found;
}

/**
 * Deletes items by key with BatchWriteItem: 25 a request, unprocessed items retried with backoff.
 * @throws Error when items stay unprocessed after 8 attempts
 */
export async function batchDelete(table: DatasetsTable, keys: ItemKey[]): Promise<void> {
  for (let offset = 0; offset < keys.length; offset += BATCH_WRITE_ITEMS) {
    let pending = keys.slice(offset, offset + BATCH_WRITE_ITEMS).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt >= 8) throw new Error(`BatchWriteItem left ${pending.length} deletes unprocessed`);
      if (attempt) await backoff(attempt);
      const result = await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: pending } }));
      pending = (result.UnprocessedItems?.[table.tableName] ?? []) as typeof pending;
    }
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}
