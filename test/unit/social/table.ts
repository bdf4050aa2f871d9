/**
 * A small in-memory stand-in for the social table behind aws-sdk-client-mock: enough of GetItem,
 * PutItem, UpdateItem (SET), DeleteItem, Query (key conditions and the by_user index), BatchGetItem and
 * TransactWriteItems, with `attribute_exists(pk)` / `attribute_not_exists(pk)` conditions, for handler
 * tests that check rules end to end and that a refused request wrote nothing.
 */
import {
  BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, unknown>;
const keyOf = (key: Item) => `${String(key.pk)}|${String(key.sk)}`;
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

export function memoryTable() {
  const items = new Map<string, Item>();
  const mock = mockClient(DynamoDBDocumentClient);

  const check = (key: Item, condition?: string) => {
    if (!condition) return;
    const exists = items.has(keyOf(key));
    if (condition === 'attribute_exists(pk)' && !exists) throw conditionFailed();
    if (condition === 'attribute_not_exists(pk)' && exists) throw conditionFailed();
  };
  const update = (input: { Key: Item; UpdateExpression?: string; ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Item }) => {
    check(input.Key, input.ConditionExpression);
    const item = { ...(items.get(keyOf(input.Key)) ?? input.Key) };
    for (const assignment of input.UpdateExpression!.replace(/^SET /, '').split(',')) {
      const [name, value] = assignment.split('=').map((s) => s.trim());
      item[input.ExpressionAttributeNames?.[name!] ?? name!] = input.ExpressionAttributeValues![value!];
    }
    items.set(keyOf(input.Key), item);
  };
  const query = (input: { IndexName?: string; KeyConditionExpression?: string; ExpressionAttributeValues?: Item; ScanIndexForward?: boolean; Limit?: number; ExclusiveStartKey?: Item }) => {
    const values = input.ExpressionAttributeValues!;
    const [hash, range] = input.IndexName ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
    const expression = input.KeyConditionExpression!;
    let matches = [...items.values()].filter((item) => item[hash!] === values[':pk']);
    const prefix = /begins_with\(sk, (:\w+)\)/.exec(expression);
    if (prefix) matches = matches.filter((item) => String(item.sk).startsWith(String(values[prefix[1]!])));
    const between = /sk BETWEEN (:\w+) AND (:\w+)/.exec(expression);
    if (between) matches = matches.filter((item) => String(item.sk) >= String(values[between[1]!]) && String(item.sk) <= String(values[between[2]!]));
    matches.sort((a, b) => String(a[range!]).localeCompare(String(b[range!])));
    if (input.ScanIndexForward === false) matches.reverse();
    if (input.ExclusiveStartKey) matches = matches.slice(matches.findIndex((item) => keyOf(item) === keyOf(input.ExclusiveStartKey!)) + 1);
    const page = input.Limit ? matches.slice(0, input.Limit) : matches;
    const more = input.Limit !== undefined && matches.length > input.Limit;
    return { Items: page.map((item) => ({ ...item })), LastEvaluatedKey: more ? { pk: page.at(-1)!.pk, sk: page.at(-1)!.sk } : undefined };
  };

  const install = () => {
    mock.reset();
    mock.on(GetCommand).callsFake((input) => {
      const item = items.get(keyOf(input.Key));
      return { Item: item ? { ...item } : undefined };
    });
    mock.on(PutCommand).callsFake((input) => { check(input.Item, input.ConditionExpression); items.set(keyOf(input.Item), { ...input.Item }); return {}; });
    mock.on(UpdateCommand).callsFake((input) => { update(input); return {}; });
    mock.on(DeleteCommand).callsFake((input) => { check(input.Key, input.ConditionExpression); items.delete(keyOf(input.Key)); return {}; });
    mock.on(QueryCommand).callsFake(query);
    mock.on(BatchGetCommand).callsFake((input) => {
      const [table, request] = Object.entries(input.RequestItems as Record<string, { Keys: Item[] }>)[0]!;
      return { Responses: { [table]: request.Keys.map((key) => items.get(keyOf(key))).filter(Boolean) }, UnprocessedKeys: {} };
    });
    mock.on(TransactWriteCommand).callsFake((input) => {
      const operations = input.TransactItems as Array<Record<string, { Key?: Item; Item?: Item; ConditionExpression?: string }>>;
      // Like DynamoDB: one cancellation reason per action, in action order.
      const reasons = operations.map((op) => {
        const [kind, body] = Object.entries(op)[0]!;
        try {
          check(kind === 'Put' ? body.Item! : body.Key!, body.ConditionExpression);
          return { Code: 'None' };
        } catch {
          return { Code: 'ConditionalCheckFailed' };
        }
      });
      if (reasons.some((r) => r.Code !== 'None')) {
        throw Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: reasons });
      }
      for (const op of operations) {
        const [kind, body] = Object.entries(op)[0]!;
        if (kind === 'Put') items.set(keyOf(body.Item!), { ...body.Item });
        if (kind === 'Delete') items.delete(keyOf(body.Key!));
        if (kind === 'Update') update(body as never);
      }
      return {};
    });
  };

  return {
    mock,
    items,
    /** Empties the table and re-installs the fakes (call in beforeEach). */
    reset: () => { items.clear(); install(); },
    /** A copy of every item, to compare before and after a refused request. */
    snapshot: () => JSON.stringify([...items.entries()].sort()),
  };
}
