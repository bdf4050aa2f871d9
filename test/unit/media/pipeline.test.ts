import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import sharp from 'sharp';
import type { S3EventRecord } from 'aws-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { notificationKey, processRecord } from '../../../functions/media/lib/pipeline';
import { lambdaContext, s3Notification, sqsEvent } from '../../support/events';

const photo = (name: string) => readFileSync(join(__dirname, '../../fixtures/photos', name));
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
/** The thumbnail events the worker published, by queue URL. */
const published = () => sqs.commandCalls(SendMessageCommand).map((c) => ({ queue: c.args[0].input.QueueUrl, event: JSON.parse(c.args[0].input.MessageBody!) }));
const body = (data: Buffer) => ({ Body: sdkStreamMixin(Readable.from([data])) }) as never;
const recordOf = (key: string, size: number) => s3Notification('originals', key, size).Records[0] as unknown as S3EventRecord;

beforeEach(() => { s3.reset(); sqs.reset(); sqs.on(SendMessageCommand).resolves({ MessageId: 'm' }); });

describe('processRecord', () => {
  const deps = () => ({
    s3: new S3Client({ region: 'us-east-1' }), sqs: new SQSClient({ region: 'us-east-1' }), thumbnailsBucket: 'thumbs',
    eventQueues: { images: 'q-images', photos: 'q-photos' },
  });

  it('stores the thumbnail under the same key and publishes it ready to the owning service\'s queue', async () => {
    const data = photo('Storm.jpg');
    s3.on(GetObjectCommand, { Bucket: 'originals', Key: 'sub-1/photos/my storm.jpg' }).resolves(body(data));
    s3.on(PutObjectCommand).resolves({});
    expect(await processRecord(deps(), recordOf('sub-1/photos/my storm.jpg', data.length))).toBe('ready');
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'thumbs', Key: 'sub-1/photos/my storm.jpg', ContentType: 'image/jpeg' });
    const thumbnail = await sharp(put.Body as Buffer).metadata();
    expect(published()).toEqual([{
      queue: 'q-photos',
      event: {
        type: 'thumbnail.ready', key: 'sub-1/photos/my storm.jpg', owner: 'sub-1', service: 'photos', rest: 'my storm.jpg', size: data.length,
        thumbnail: { key: 'sub-1/photos/my storm.jpg', contentType: 'image/jpeg', width: thumbnail.width, height: thumbnail.height },
        source: { format: 'jpeg', contentType: 'image/jpeg', width: expect.any(Number), height: expect.any(Number) },
      },
    }]);
    expect(Math.max(thumbnail.width, thumbnail.height)).toBe(256);
  });

  it('publishes an undecodable original as failed, once, and stores nothing', async () => {
    s3.on(GetObjectCommand).resolves(body(Buffer.from('not an image at all')));
    expect(await processRecord(deps(), recordOf('sub-1/images/id-2/x.jpg', 19))).toBe('failed');
    expect(published()).toEqual([{ queue: 'q-images', event: expect.objectContaining({ type: 'thumbnail.failed', owner: 'sub-1', rest: 'id-2/x.jpg', size: 19, reason: expect.stringMatching(/decodable|unsupported/) }) }]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses an original over the size cap without downloading it', async () => {
    expect(await processRecord(deps(), recordOf('sub-1/images/id-3/big.jpg', 60 * 1024 * 1024))).toBe('failed');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(published()[0]!.event.reason).toMatch(/limit/);
  });

  it('skips keys of no configured service and objects deleted before processing', async () => {
    expect(await processRecord(deps(), recordOf('sub-1/archives/a.zip', 10))).toBe('skipped');
    expect(await processRecord(deps(), recordOf('loose-key.jpg', 10))).toBe('skipped');
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    expect(await processRecord(deps(), recordOf('sub-1/images/id-4/gone.jpg', 10))).toBe('skipped');
    expect(published()).toEqual([]);
  });

  it('throws when the event cannot be published, so SQS retries the message', async () => {
    s3.on(GetObjectCommand).resolves(body(photo('coffee.png')));
    s3.on(PutObjectCommand).resolves({});
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    await expect(processRecord(deps(), recordOf('sub-1/images/id-6/c.png', 10))).rejects.toThrow('queue unavailable');
  });

  it('throws on a transient S3 failure so SQS retries the message', async () => {
    s3.on(GetObjectCommand).rejects(new Error('socket hang up'));
    await expect(processRecord(deps(), recordOf('sub-1/images/id-5/x.jpg', 10))).rejects.toThrow('socket hang up');
  });

  it('keys idempotency by object and version (sequencer), not by delivery', () => {
    const a = s3Notification('originals', 'sub-1/images/id/a b.jpg', 1, 'seq-1');
    expect(notificationKey(a)).toBe('originals/sub-1/images/id/a b.jpg@seq-1');
    expect(notificationKey(s3Notification('originals', 'sub-1/images/id/a b.jpg', 1, 'seq-2'))).not.toBe(notificationKey(a));
  });
});

describe('the thumbnail worker and the images service\'s thumbnail events (queue handlers)', () => {
  const dynamoRaw = mockClient(DynamoDBClient);
  const dynamoDoc = mockClient(DynamoDBDocumentClient);
  beforeEach(() => { dynamoRaw.reset(); dynamoDoc.reset(); });

  it('reports only the failed message of a batch (partial batch response); the good one reaches the images record', async () => {
    const data = photo('coffee.png');
    s3.on(GetObjectCommand, { Key: 'sub-1/images/good/c.png' }).resolves(body(data));
    s3.on(GetObjectCommand, { Key: 'sub-1/images/bad/c.png' }).rejects(new Error('throttled'));
    s3.on(PutObjectCommand).resolves({});
    dynamoRaw.on(PutItemCommand).resolves({});
    dynamoRaw.on(UpdateItemCommand).resolves({});
    dynamoDoc.on(UpdateCommand).resolves({});
    const { handler } = await import('../../../functions/media/thumbnail/handler');
    const event = sqsEvent(s3Notification('darkroom-originals', 'sub-1/images/good/c.png', data.length), s3Notification('darkroom-originals', 'sub-1/images/bad/c.png', 10));
    const result = await handler(event, lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-1' }] });
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.QueueUrl).toBe(process.env.THUMBNAIL_EVENTS_QUEUE_URL_IMAGES);
    const events = await import('../../../functions/images/thumbnail_events/handler');
    expect(await events.handler(sqsEvent(JSON.parse(sent[0]!.MessageBody!)), lambdaContext())).toEqual({ batchItemFailures: [] });
    const update = dynamoDoc.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(update).toHaveLength(1);
    expect(update[0]).toMatchObject({ TableName: 'darkroom-images', Key: { pk: 'sub-1', sk: 'IMAGE#good' } });
    expect(update[0]!.ExpressionAttributeValues).toMatchObject({ ':status': 'ready', ':width': 600, ':height': 400 });
    // Powertools idempotency claimed each message's key in the idempotency table before the work.
    const claims = dynamoRaw.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(claims.map((c) => c.TableName)).toEqual(['darkroom-idempotency', 'darkroom-idempotency']);
  });
});
