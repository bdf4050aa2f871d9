import { QueryCommand, ScanCommand, type DynamoDBDocumentClient, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';

/** A Query without the paging fields, which {@link queryPages} drives. */
export type QueryInput = Omit<QueryCommandInput, 'ExclusiveStartKey'>;

type Paged = { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };

/** Sends the request from each page's `LastEvaluatedKey` until there is none. */
async function* pages<T>(send: (start: Record<string, unknown> | undefined) => Promise<Paged>): AsyncGenerator<T[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await send(start);
    yield (page.Items ?? []) as T[];
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * Every page of a Query, following `LastEvaluatedKey`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html).
 * @yields each page's items (an empty page may come before more items, as DynamoDB may return one)
 */
export const queryPages = <T = Record<string, unknown>>(doc: DynamoDBDocumentClient, input: QueryInput): AsyncGenerator<T[]> =>
  pages<T>((start) => doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));

/** Every item a Query returns, page after page, in the Query's order. */
export async function queryAll<T = Record<string, unknown>>(doc: DynamoDBDocumentClient, input: QueryInput): Promise<T[]> {
  const items: T[] = [];
  for await (const page of queryPages<T>(doc, input)) items.push(...page);
  return items;
}

/**
 * Every page of a Scan, following `LastEvaluatedKey`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.Pagination).
 * @yields each page's items
 */
export const scanPages = <T = Record<string, unknown>>(doc: DynamoDBDocumentClient, input: Omit<ScanCommandInput, 'ExclusiveStartKey'>): AsyncGenerator<T[]> =>
  pages<T>((start) => doc.send(new ScanCommand({ ...input, ExclusiveStartKey: start })));
