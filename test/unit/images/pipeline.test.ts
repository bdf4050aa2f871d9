import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import type { S3EventRecord } from 'aws-lambda';
import { notificationKey, processRecord } from '../../../functions/images/lib/pipeline';
import type { MediaCatalog } from '../../../functions/images/lib/catalog';
import { lambdaContext, s3Notification, sqsEvent } from '../../support/events';

const photo = (name: string) => readFileSync(join(__dirname, '../../fixtures/photos', name));
const s3 = mockClient(S3Client);
const body = (data: Buffer) => ({ Body: sdkStreamMixin(Readable.from([data])) }) as never;
const recordOf = (key: string, size: number) => s3Notification('originals', key, size).Records[0] as unknown as S3EventRecord;

function catalog(): MediaCatalog & { ready: jest.Mock; failed: jest.Mock } {
  const ready = jest.fn(async () => undefined);
  const failed = jest.fn(async () => undefined);
  return { recordReady: ready, recordFailed: failed, ready, failed };
}

beforeEach(() => s3.reset());

describe('processRecord', () => {
  const deps = (images = catalog()) => ({ s3: new S3Client({ region: 'us-east-1' }), thumbnailsBucket: 'thumbs', catalogs: { images } });

  it('stores the thumbnail under the same key and records the outcome in the service catalog', async () => {
    const data = photo('Storm.jpg');
    s3.on(GetObjectCommand, { Bucket: 'originals', Key: 'sub-1/images/id-1/my storm.jpg' }).resolves(body(data));
    s3.on(PutObjectCommand).resolves({});
    const images = catalog();
    expect(await processRecord(deps(images), recordOf('sub-1/images/id-1/my storm.jpg', data.length))).toBe('ready');
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'thumbs', Key: 'sub-1/images/id-1/my storm.jpg', ContentType: 'image/jpeg' });
    expect(images.ready).toHaveBeenCalledWith('sub-1', 'id-1/my storm.jpg', expect.objectContaining({ size: data.length, thumbnailKey: 'sub-1/images/id-1/my storm.jpg' }));
  });

  it('records an undecodable original as failed, once, and stores nothing', async () => {
    s3.on(GetObjectCommand).resolves(body(Buffer.from('not an image at all')));
    const images = catalog();
    expect(await processRecord(deps(images), recordOf('sub-1/images/id-2/x.jpg', 19))).toBe('failed');
    expect(images.failed).toHaveBeenCalledWith('sub-1', 'id-2/x.jpg', expect.stringMatching(/decodable|unsupported/), 19);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses an original over the size cap without downloading it', async () => {
    const images = catalog();
    expect(await processRecord(deps(images), recordOf('sub-1/images/id-3/big.jpg', 60 * 1024 * 1024))).toBe('failed');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(images.failed.mock.calls[0]![2]).toMatch(/limit/);
  });

  it('skips keys outside any catalog and objects deleted before processing', async () => {
    expect(await processRecord(deps(), recordOf('sub-1/archives/a.zip', 10))).toBe('skipped');
    expect(await processRecord(deps(), recordOf('loose-key.jpg', 10))).toBe('skipped');
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    expect(await processRecord(deps(), recordOf('sub-1/images/id-4/gone.jpg', 10))).toBe('skipped');
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

describe('the thumbnail worker (queue handler)', () => {
  const dynamoRaw = mockClient(DynamoDBClient);
  const dynamoDoc = mockClient(DynamoDBDocumentClient);
  beforeEach(() => { dynamoRaw.reset(); dynamoDoc.reset(); });

  it('reports only the failed message of a batch (partial batch response), and records the good one', async () => {
    const data = photo('coffee.png');
    s3.on(GetObjectCommand, { Key: 'sub-1/images/good/c.png' }).resolves(body(data));
    s3.on(GetObjectCommand, { Key: 'sub-1/images/bad/c.png' }).rejects(new Error('throttled'));
    s3.on(PutObjectCommand).resolves({});
    dynamoRaw.on(PutItemCommand).resolves({});
    dynamoRaw.on(UpdateItemCommand).resolves({});
    dynamoDoc.on(UpdateCommand).resolves({});
    const { handler } = await import('../../../functions/images/thumbnail/handler');
    const event = sqsEvent(s3Notification('darkroom-originals', 'sub-1/images/good/c.png', data.length), s3Notification('darkroom-originals', 'sub-1/images/bad/c.png', 10));
    const result = await handler(event, lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-1' }] });
    const update = dynamoDoc.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(update).toHaveLength(1);
    expect(update[0]).toMatchObject({ TableName: 'darkroom-images', Key: { pk: 'sub-1', sk: 'IMAGE#good' } });
    expect(update[0]!.ExpressionAttributeValues).toMatchObject({ ':status': 'ready', ':width': 600, ':height': 400 });
    // Powertools idempotency claimed each message's key in the idempotency table before the work.
    const claims = dynamoRaw.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(claims.map((c) => c.TableName)).toEqual(['darkroom-idempotency', 'darkroom-idempotency']);
  });
});
