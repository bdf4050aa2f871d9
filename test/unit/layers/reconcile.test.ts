import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { objectCreatedEvent, reconcilePending, tablePendingCatalog } from '@darkroom/runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { notificationKey } from '../../../functions/media/lib/pipeline';

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const doc = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const deps = { s3: new S3Client({ region: 'us-east-1' }), sqs: new SQSClient({ region: 'us-east-1' }), originalsBucket: 'originals', queueUrl: 'https://sqs/thumbnails', region: 'us-east-1' };
const catalog = () => tablePendingCatalog(client, { tableName: 'images', sortKeyPrefix: 'IMAGE#', createdAttribute: 'created_at', waiting: ['pending'] });
const now = new Date('2026-12-01T12:00:00Z');

const item = (id: string, extra: Record<string, unknown> = {}) => ({
  pk: 'sub-1', sk: `IMAGE#${id}`, owner: 'sub-1', key: `sub-1/images/${id}/a b.jpg`, status: 'pending', created_at: '2026-12-01T10:00:00Z', ...extra,
});

beforeEach(() => { s3.reset(); sqs.reset(); doc.reset(); });

describe('reconcilePending over tablePendingCatalog', () => {
  it('re-drives an overdue record whose original exists, and fails one whose original never arrived', async () => {
    doc.on(ScanCommand).resolvesOnce({ Items: [item('has-original')], LastEvaluatedKey: { pk: 'sub-1', sk: 'IMAGE#has-original' } })
      .resolvesOnce({ Items: [item('no-original')] });
    doc.on(UpdateCommand).resolves({});
    s3.on(HeadObjectCommand, { Key: 'sub-1/images/has-original/a b.jpg' }).resolves({ ContentLength: 1234, ETag: '"abc123"', LastModified: now });
    s3.on(HeadObjectCommand, { Key: 'sub-1/images/no-original/a b.jpg' }).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    const summary = await reconcilePending(deps, catalog(), { overdueAfterSeconds: 1800, now });
    expect(summary).toEqual({ scanned: 2, redriven: 1, abandoned: 1, settled: 0, errors: 0, complete: true });

    // The scan asks for waiting records created and last re-driven before now - 30 min, page by page.
    const scans = doc.commandCalls(ScanCommand).map((c) => c.args[0].input);
    expect(scans).toHaveLength(2);
    expect(scans[0]!.ExpressionAttributeValues).toMatchObject({ ':before': '2026-12-01T11:30:00.000Z', ':prefix': 'IMAGE#', ':waiting0': 'pending' });
    expect(scans[1]!.ExclusiveStartKey).toEqual({ pk: 'sub-1', sk: 'IMAGE#has-original' });

    const sent = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!);
    expect(sent.Records[0].s3).toMatchObject({ bucket: { name: 'originals' }, object: { key: 'sub-1/images/has-original/a+b.jpg', size: 1234, eTag: 'abc123' } });
    const updates = doc.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => [u.Key, u.ConditionExpression])).toEqual([
      [{ pk: 'sub-1', sk: 'IMAGE#has-original' }, '#status IN (:waiting0)'],
      [{ pk: 'sub-1', sk: 'IMAGE#no-original' }, '#status IN (:waiting0)'],
    ]);
    expect(updates[1]!.ExpressionAttributeValues).toMatchObject({ ':failed': 'failed', ':reason': expect.stringMatching(/never completed/) });
  });

  it('gives up after the re-drive limit, and leaves alone a record the worker finished meanwhile', async () => {
    doc.on(ScanCommand).resolves({ Items: [item('stuck', { redrive_count: 3 }), item('finished-meanwhile')] });
    doc.on(UpdateCommand, { Key: { pk: 'sub-1', sk: 'IMAGE#stuck' } }).resolves({});
    doc.on(UpdateCommand, { Key: { pk: 'sub-1', sk: 'IMAGE#finished-meanwhile' } })
      .rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    s3.on(HeadObjectCommand).resolves({ ContentLength: 1, ETag: '"e"', LastModified: now });

    const summary = await reconcilePending(deps, catalog(), { overdueAfterSeconds: 1800, now });
    expect(summary).toMatchObject({ scanned: 2, redriven: 0, abandoned: 1, settled: 1 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(doc.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':reason': expect.stringMatching(/after 3 re-drives/) });
  });

  it('counts an S3 error on one record and carries on with the others', async () => {
    doc.on(ScanCommand).resolves({ Items: [item('flaky'), item('fine')] });
    doc.on(UpdateCommand).resolves({});
    s3.on(HeadObjectCommand, { Key: 'sub-1/images/flaky/a b.jpg' }).rejects(new Error('SlowDown'));
    s3.on(HeadObjectCommand, { Key: 'sub-1/images/fine/a b.jpg' }).resolves({ ContentLength: 1, ETag: '"e"', LastModified: now });
    sqs.on(SendMessageCommand).resolves({});
    expect(await reconcilePending(deps, catalog(), { overdueAfterSeconds: 1800, now })).toMatchObject({ scanned: 2, redriven: 1, errors: 1 });
  });

  it('stops taking records at the deadline', async () => {
    doc.on(ScanCommand).resolves({ Items: [item('a'), item('b')] });
    expect(await reconcilePending(deps, catalog(), { overdueAfterSeconds: 1800, now, deadline: Date.now() - 1 }))
      .toMatchObject({ scanned: 0, complete: false });
  });
});

describe('objectCreatedEvent', () => {
  it('gives every re-drive of one object the same idempotency key in the thumbnail worker', () => {
    const head = { size: 10, eTag: 'etag-1', lastModified: now };
    const a = objectCreatedEvent('originals', 'sub/images/id/x y.jpg', head, 'us-east-1');
    const b = objectCreatedEvent('originals', 'sub/images/id/x y.jpg', { ...head, lastModified: new Date() }, 'us-east-1');
    expect(notificationKey(a as never)).toBe('originals/sub/images/id/x y.jpg@etag-1');
    expect(notificationKey(b as never)).toBe(notificationKey(a as never));
  });
});
