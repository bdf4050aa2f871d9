import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueryInput } from '../dynamodb/query';
import { decodeCursor, encodeCursor, type CursorScope } from './cursor';

/** One page of a list: its items and the cursor of the next page (null on the last). */
export interface CursorPage<T> { items: T[]; next_cursor: string | null }

/** Options of {@link queryPage}. */
export interface QueryPageOptions {
  scope: CursorScope;
  /** Items per page (at most). */
  limit: number;
  /** The `next_cursor` of the previous page. */
  cursor?: string | null;
  /** The key attributes of an item: the table's, plus the index's when querying one (default `pk`, `sk`). */
  keyAttributes?: readonly string[];
  /** The request field named in a 400 (default `cursor`). */
  field?: string;
}

/**
 * One page of a Query, resuming after the cursor's position. It reads one item more than `limit`, so
 * the last page says `next_cursor: null` instead of leading to an empty page; with a FilterExpression
 * a page may hold fewer than `limit` items and still have a next one.
 * @throws DomainError 400 for a cursor not made for `scope`
 */
export async function queryPage<T = Record<string, unknown>>(doc: DynamoDBDocumentClient, input: Omit<QueryInput, 'Limit'>, options: QueryPageOptions): Promise<CursorPage<T>> {
  const keys = options.keyAttributes ?? ['pk', 'sk'];
  const start = decodeCursor(options.scope, options.cursor, options.field);
  const page = await doc.send(new QueryCommand({ ...input, Limit: options.limit + 1, ExclusiveStartKey: start }));
  const items = (page.Items ?? []) as Array<Record<string, unknown>>;
  const keyOf = (item: Record<string, unknown>) => Object.fromEntries(keys.map((name) => [name, item[name]]));
  let next: Record<string, unknown> | undefined;
  if (items.length > options.limit) next = keyOf(items[options.limit - 1]!);
  else if (page.LastEvaluatedKey) next = page.LastEvaluatedKey;
  return { items: items.slice(0, options.limit) as T[], next_cursor: next ? encodeCursor(options.scope, next) : null };
}
