import { QueryCommand, ScanCommand, type DynamoDBDocumentClient, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';

/** A Query without the paging fields, which {@link queryPages} drives. */
export type QueryInput = Omit<QueryCommandInput, 'ExclusiveStartKey'>;

/**
 * Every page of a Query, following `LastEvaluatedKey`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html).
 * @yields each page's items (an empty page may come before more items, as DynamoDB may return one)
 */
export async function* queryPages<T = Record<string, unknown>>(doc: DynamoDBDocumentClient, input: QueryInput): AsyncGenerator<T[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield (page.Items ?? []) as T[];
    start = page.LastEvaluatedKey;
  } while (start);
}

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
export async function* scanPages<T = Record<string, unknown>>(doc: DynamoDBDocumentClient, input: Omit<ScanCommandInput, 'ExclusiveStartKey'>): AsyncGenerator<T[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    yield (page.Items ?? []) as T[];
    start = page.LastEvaluatedKey;
  } while (start);
}
