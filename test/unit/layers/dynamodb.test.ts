import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { batchDelete, batchGet, mapLimit, queryAll, updateExpression } from '../../../layers/runtime/src/dynamodb';

const dynamo = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
beforeEach(() => dynamo.reset());

describe('updateExpression', () => {
  it('names every attribute by a placeholder, numbering the ones that are not plain names', () => {
    expect(updateExpression({ set: { status: 'done', 'odd-name': 1, skipped: undefined }, remove: ['expires_at'], add: { count: 2 } })).toEqual({
      UpdateExpression: 'SET #status = :status, #u0 = :u1 REMOVE #expires_at ADD #count :count',
      ExpressionAttributeNames: { '#status': 'status', '#u0': 'odd-name', '#expires_at': 'expires_at', '#count': 'count' },
      ExpressionAttributeValues: { ':status': 'done', ':u1': 1, ':count': 2 },
    });
  });

  it('keeps the caller\'s placeholders and never reuses one of them for another value', () => {
    const parts = updateExpression({ set: { from: 'b' }, names: { '#status': 'status' }, values: { ':from': 'a' } });
    expect(parts.ExpressionAttributeValues).toEqual({ ':from': 'a', ':u0': 'b' });
    expect(parts.UpdateExpression).toBe('SET #from = :u0');
  });

  it('refuses an update of nothing', () => expect(() => updateExpression({ set: { a: undefined } })).toThrow(/nothing/));
});

describe('queryAll and batches', () => {
  it('follows LastEvaluatedKey to the last page', async () => {
    dynamo.on(QueryCommand).resolvesOnce({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'p', sk: '1' } }).resolvesOnce({ Items: [{ n: 2 }] });
    expect(await queryAll(doc, { TableName: 't', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'p' } })).toEqual([{ n: 1 }, { n: 2 }]);
    expect(dynamo.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'p', sk: '1' });
  });

  it('retries unprocessed keys, 100 keys a request', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: 'p', sk: String(i) }));
    dynamo.on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [{ n: 1 }] }, UnprocessedKeys: { t: { Keys: [keys[1]!] } } })
      .resolves({ Responses: { t: [{ n: 2 }] } });
    expect(await batchGet(doc, 't', keys)).toHaveLength(3);
    expect(dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.t!.Keys!.length)).toEqual([100, 1, 50]);
  });

  it('gives up after 8 requests that leave keys unprocessed, rather than loop for ever', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ pk: 'p', sk: '1' }] } } });
    await expect(batchGet(doc, 't', [{ pk: 'p', sk: '1' }])).rejects.toThrow(/unprocessed/);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(8);
  });

  it('deletes 25 keys a request', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    await batchDelete(doc, 't', Array.from({ length: 30 }, (_, i) => ({ pk: 'p', sk: String(i) })));
    expect(dynamo.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems!.t!.length)).toEqual([25, 5]);
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and the results in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++; most = Math.max(most, inFlight);
      await new Promise((done) => setImmediate(done));
      inFlight--;
      return n * 10;
    });
    expect([results, most]).toEqual([[50, 10, 40, 20, 30], 2]);
  });
});
