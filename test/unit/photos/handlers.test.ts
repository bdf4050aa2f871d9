import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { fixturePhoto, lyingZip, photoZip, stored } from '../../support/archives';
import { httpEvent, lambdaContext, sqsEvent } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
let issuer: TestIssuer;
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
const handlers: Record<string, Handler> = {};
let worker: (event: unknown, context: unknown) => Promise<{ batchItemFailures: unknown[] }>;

beforeAll(async () => {
  issuer = await startTestIssuer();
  process.env.JWT_ISSUER = issuer.issuer;
  process.env.JWKS_URI = issuer.jwksUri;
  for (const name of ['upload_single_photo', 'unzip', 'download', 'list', 'delete']) {
    handlers[name] = (await import(`../../../functions/photos/${name}/handler`)).handler as Handler;
  }
  worker = (await import('../../../functions/photos/unzip_worker/handler')).handler as never;
});
afterAll(() => issuer.close());
beforeEach(() => {
  dynamo.reset(); s3.reset(); sqs.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(DeleteCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  s3.on(DeleteObjectCommand).resolves({});
});

const call = async (name: string, options: Parameters<typeof httpEvent>[0] = {}) => {
  const response = await handlers[name]!(httpEvent({ token: issuer.idToken('sub-1'), ...options }), lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body) };
};
const putKeys = (bucket: string) => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input).filter((i) => i.Bucket === bucket).map((i) => i.Key);
const deletedKeys = () => s3.commandCalls(DeleteObjectCommand).map((c) => `${c.args[0].input.Bucket}:${c.args[0].input.Key}`);

describe('POST /photos/upload_single_photo', () => {
  it('decodes a raw base64 body, writes the record before the object, and answers 201 with the stored name', async () => {
    const png = fixturePhoto('coffee.png');
    const response = await call('upload_single_photo', { body: png, headers: { 'content-type': 'image/png' }, query: { filename: 'my coffee.png' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ size: png.length, content_type: 'image/png', width: 600, height: 400, status: 'processing' });
    expect(response.body.filename).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{4}_my_coffee\.png$/);
    const item = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(item).toMatchObject({ Item: { pk: 'sub-1', sk: `PHOTO#${response.body.filename}`, key: `sub-1/photos/${response.body.filename}` }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(putKeys('darkroom-originals')).toEqual([`sub-1/photos/${response.body.filename}`]);
  });

  it('takes multipart/form-data with the file in field `file`', async () => {
    const boundary = 'darkroomboundary42';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Storm.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      fixturePhoto('Storm.jpg'), Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await call('upload_single_photo', { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(response.status).toBe(201);
    expect(response.body.filename).toMatch(/_Storm\.jpg$/);
    expect(response.body.content_type).toBe('image/jpeg');
  });

  it.each([
    ['an empty body', { body: '', headers: { 'content-type': 'image/png' } }, 400, /empty/],
    ['text named .jpg', { body: Buffer.from('hello'), headers: { 'content-type': 'image/jpeg' }, query: { filename: 'x.jpg' } }, 415, /not an image/],
    ['a body over the cap', { body: Buffer.alloc(4_500_001, 1), headers: { 'content-type': 'image/jpeg' } }, 413, /presigned/],
    ['a name with separators', { body: fixturePhoto('coffee.png'), query: { filename: '../x.png' } }, 400, /separators/],
    ['a name with control characters', { body: fixturePhoto('coffee.png'), query: { filename: 'a\u0000b.png' } }, 400, /control/],
    ['a name of 1,000 characters', { body: fixturePhoto('coffee.png'), query: { filename: `${'a'.repeat(996)}.png` } }, 400, /filename/],
    ['a multipart form without `file`', { body: '--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' } }, 400, /field named `file`/],
    ['a malformed multipart form, in our words (not Middy\'s or busboy\'s)', { body: '--b\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\n\r\nunterminated', headers: { 'content-type': 'multipart/form-data; boundary=b' } }, 415, /^The body is not valid multipart\/form-data: send the file in a field named `file`$/],
  ])('refuses %s, storing nothing', async (_, options, status, message) => {
    const response = await call('upload_single_photo', options as never);
    expect([response.status, response.body.message]).toEqual([status, expect.stringMatching(message)]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('issues a presigned POST for JSON, capped at the declared size, and records it pending with a TTL', async () => {
    const response = await call('upload_single_photo', { body: { filename: 'big.jpg', content_type: 'image/jpeg', size: 12_000_000 } });
    expect(response.status).toBe(201);
    const policy = JSON.parse(Buffer.from(response.body.upload.fields.Policy, 'base64').toString());
    expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', 1, 12_000_000], ['eq', '$Content-Type', 'image/jpeg'], { key: `sub-1/photos/${response.body.filename}` }]));
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ status: 'pending', expires_at: expect.any(Number) });
    expect((await call('upload_single_photo', { body: { filename: 'x.jpg', content_type: 'image/jpeg' } })).body.message).toBe('size: is required (body)');
    expect((await call('upload_single_photo', { body: { filename: 'x.svg', content_type: 'image/svg+xml', size: 10 } })).status).toBe(415);
  });

  it('removes the record again when the object cannot be written', async () => {
    s3.on(PutObjectCommand).rejects(new Error('S3 down'));
    const response = await call('upload_single_photo', { body: fixturePhoto('coffee.png'), headers: { 'content-type': 'image/png' } });
    expect(response.status).toBe(500);
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(1);
  });
});

describe('POST /photos/unzip', () => {
  const zipBody = (archive: Buffer) => ({ body: archive, headers: { 'content-type': 'application/zip' } });

  it('unpacks a small archive in the request, skipping what is not an image', async () => {
    const archive = await photoZip([{ name: 'a/coffee.png', data: fixturePhoto('coffee.png') }, { name: 'readme.png', data: Buffer.from('text') }]);
    const response = await call('unzip', zipBody(archive));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ mode: 'sync', landed_count: 1, skipped: [{ entry: 'readme.png', reason: expect.stringMatching(/not a decodable image/) }] });
    expect(putKeys('darkroom-originals')).toEqual([`sub-1/photos/${response.body.landed[0].filename}`]);
  });

  it('records a sync unzip as a finished job, so its job_id answers POST /photos/unzip {job_id} for its owner only', async () => {
    const archive = await photoZip([{ name: 'a/coffee.png', data: fixturePhoto('coffee.png') }, { name: 'readme.png', data: Buffer.from('text') }]);
    const response = await call('unzip', zipBody(archive));
    const { job_id: jobId } = response.body;
    const jobPut = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item!).find((item) => item.sk === `JOB#${jobId}`);
    expect(jobPut).toMatchObject({ pk: 'sub-1', owner: 'sub-1', job_id: jobId, mode: 'sync', status: 'done', total: 2, done: 2, landed_count: 1, skipped_count: 1, result_key: `sub-1/archives/${jobId}.result.json` });
    const result = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input).find((i) => i.Key === `sub-1/archives/${jobId}.result.json`)!;
    expect(result.Bucket).toBe('darkroom-archives');

    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: `JOB#${jobId}` } }).resolves({ Item: jobPut });
    s3.on(GetObjectCommand, { Key: `sub-1/archives/${jobId}.result.json` }).resolves({ Body: sdkStreamMixin(Readable.from([Buffer.from(result.Body as string)])) });
    const status = await call('unzip', { body: { job_id: jobId } });
    expect(status).toMatchObject({ status: 200, body: { job_id: jobId, mode: 'sync', status: 'done', total: 2, done: 2, landed: response.body.landed, skipped: response.body.skipped } });
    const foreign = await handlers.unzip!(httpEvent({ token: issuer.idToken('sub-2'), body: { job_id: jobId } }), lambdaContext());
    expect(foreign.statusCode).toBe(404);
  });

  it('removes every photo already landed when a later entry lies about its size', async () => {
    const archive = lyingZip([stored('coffee.png', fixturePhoto('coffee.png')), stored('chelsea.png', fixturePhoto('chelsea.png'))]);
    const response = await call('unzip', zipBody(archive));
    expect([response.status, response.body.message]).toEqual([422, expect.stringMatching(/liar.jpg.*declares/)]);
    const landed = putKeys('darkroom-originals');
    expect(landed).toHaveLength(2);
    for (const key of landed) {
      expect(deletedKeys()).toEqual(expect.arrayContaining([`darkroom-originals:${key}`, `darkroom-thumbnails:${key}`]));
      expect(dynamo.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key!.sk)).toContain(`PHOTO#${key!.split('/').pop()}`);
    }
  });

  it('queues an archive over the in-request threshold as a job', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const png = fixturePhoto('coffee.png');
    const archive = await photoZip(Array.from({ length: 26 }, (_, i) => ({ name: `${i}.png`, data: png.subarray(0, 1000) })));
    const response = await call('unzip', zipBody(archive));
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ mode: 'async', status: 'queued', total: 26 });
    expect(putKeys('darkroom-archives')).toEqual([`sub-1/archives/${response.body.job_id}.zip`]);
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!)).toEqual({ owner: 'sub-1', job_id: response.body.job_id });
    expect(s3.commandCalls(PutObjectCommand).filter((c) => c.args[0].input.Bucket === 'darkroom-originals')).toHaveLength(0);
  });

  it('refuses an archive key outside the caller\'s archives, and JSON with two requests in one', async () => {
    expect((await call('unzip', { body: { archive_key: 'sub-2/archives/abc.zip' } })).status).toBe(403);
    expect((await call('unzip', { body: { job_id: '00000000-0000-0000-0000-000000000000', archive_key: 'sub-1/archives/a.zip' } })).status).toBe(400);
    expect((await call('unzip', { body: { job_id: '00000000-0000-0000-0000-000000000000' } })).status).toBe(404);
  });
});

describe('the unzip worker', () => {
  // Powertools idempotency claims each job in the idempotency table (low-level client).
  const dynamoRaw = mockClient(DynamoDBClient);
  beforeEach(() => { dynamoRaw.reset(); dynamoRaw.on(PutItemCommand).resolves({}); dynamoRaw.on(UpdateItemCommand).resolves({}); });
  afterAll(() => dynamoRaw.restore());
  const job = { pk: 'sub-1', sk: 'JOB#j1', owner: 'sub-1', job_id: 'j1', status: 'queued', archive_key: 'sub-1/archives/j1.zip', total: 2, done: 0 };
  const serve = (archive: Buffer) => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: archive.length });
    s3.on(GetObjectCommand).callsFake(async (input: { Range?: string }) => {
      const [start, end] = /bytes=(\d+)-(\d+)/.exec(input.Range!)!.slice(1).map(Number) as [number, number];
      return { Body: sdkStreamMixin(Readable.from([archive.subarray(start, end + 1)])) };
    });
  };

  it('unpacks the archive with ranged reads, reports progress, writes the result, and deletes the archive', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: 'JOB#j1' } }).resolves({ Item: job });
    serve(await photoZip([{ name: 'coffee.png', data: fixturePhoto('coffee.png') }, { name: 'chelsea.png', data: fixturePhoto('chelsea.png') }]));
    const result = await worker(sqsEvent({ owner: 'sub-1', job_id: 'j1' }), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues!);
    expect(updates.at(-1)).toMatchObject({ ':status': 'done', ':landed_count': 2, ':result_key': 'sub-1/archives/j1.result.json' });
    expect(putKeys('darkroom-archives')).toEqual(['sub-1/archives/j1.result.json']);
    expect(deletedKeys()).toContain('darkroom-archives:sub-1/archives/j1.zip');
  });

  it('marks a job failed, without retrying, when the archive lies, and keeps nothing', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: 'JOB#j1' } }).resolves({ Item: job });
    serve(lyingZip([stored('coffee.png', fixturePhoto('coffee.png'))]));
    const result = await worker(sqsEvent({ owner: 'sub-1', job_id: 'j1' }), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues!);
    expect(updates.at(-1)).toMatchObject({ ':status': 'failed', ':failure_reason': expect.stringMatching(/declares/) });
    const landed = putKeys('darkroom-originals');
    expect(landed).toHaveLength(1);
    expect(deletedKeys()).toContain(`darkroom-originals:${landed[0]}`);
  });
});

describe('the unzip worker on S3 failures', () => {
  const dynamoRaw = mockClient(DynamoDBClient);
  beforeEach(() => { dynamoRaw.reset(); dynamoRaw.on(PutItemCommand).resolves({}); dynamoRaw.on(UpdateItemCommand).resolves({}); dynamoRaw.on(DeleteItemCommand).resolves({}); });
  afterAll(() => dynamoRaw.restore());
  const job = { pk: 'sub-1', sk: 'JOB#j2', owner: 'sub-1', job_id: 'j2', status: 'queued', archive_key: 'sub-1/archives/j2.zip', total: 2, done: 0 };
  const attempt = (receiveCount: string) => {
    const event = sqsEvent({ owner: 'sub-1', job_id: 'j2' });
    event.Records[0]!.attributes.ApproximateReceiveCount = receiveCount;
    event.Records[0]!.eventSourceARN = 'arn:aws:sqs:us-east-1:000000000000:darkroom-unzip';
    return worker(event, lambdaContext());
  };
  const lastStatus = () => dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues!).at(-1);

  it('requeues the job for a retry, then on the last attempt (maxReceiveCount) marks it failed before the DLQ', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: 'JOB#j2' } }).resolves({ Item: job });
    s3.on(HeadObjectCommand).rejects(new Error('S3 is down'));
    // A batch whose every record failed is thrown (Powertools' FullBatchFailureError): SQS redelivers it.
    await expect(attempt('1')).rejects.toThrow(/All records failed/);
    expect(lastStatus()).toMatchObject({ ':status': 'queued', ':failure_reason': 'attempt 1 of 2 failed; retrying' });
    await expect(attempt('2')).rejects.toThrow(/All records failed/);
    expect(lastStatus()).toMatchObject({ ':status': 'failed', ':failure_reason': expect.stringMatching(/gave up after 2 attempts/) });
  });
});

describe('download, list, delete', () => {
  const photo = { pk: 'sub-1', sk: 'PHOTO#20261121T103015123Z-ab12_cat.jpg', owner: 'sub-1', filename: '20261121T103015123Z-ab12_cat.jpg', key: 'sub-1/photos/20261121T103015123Z-ab12_cat.jpg', status: 'ready', size: 10, content_type: 'image/jpeg', width: 4, height: 3, uploaded_at: '2026-11-21T10:30:15.123Z', thumbnail_key: 'sub-1/photos/20261121T103015123Z-ab12_cat.jpg' };

  it('presigns the caller\'s photo and 404s another name', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: photo.sk } }).resolves({ Item: photo });
    const response = await call('download', { body: { filename: photo.filename } });
    expect(response.body).toMatchObject({ filename: photo.filename, size: 10, width: 4, height: 3, expires_in: 900 });
    expect(response.body.url).toContain('darkroom-originals');
    expect(response.body.thumbnail_url).toContain('darkroom-thumbnails');
    expect((await call('download', { body: { filename: 'other.jpg' } })).status).toBe(404);
    expect((await call('download', { body: { filename: 'a/b.jpg' } })).status).toBe(400);
  });

  it('answers 422 with the reason for a photo whose decoding failed, as /images does, and hands out no URL', async () => {
    const failed = { ...photo, status: 'failed', thumbnail_key: undefined, failure_reason: 'not a decodable image' };
    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: photo.sk } }).resolves({ Item: failed });
    const response = await call('download', { body: { filename: photo.filename } });
    expect(response).toMatchObject({ status: 422, body: { message: `Photo ${photo.filename} could not be processed: not a decodable image` } });
    expect(JSON.stringify(response.body)).not.toMatch(/https?:/);
  });

  it('lists newest first, pending left out, with an opaque token bound to the caller', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [photo], LastEvaluatedKey: { pk: 'sub-1', sk: photo.sk } });
    const response = await call('list', { body: { limit: 1 } });
    const query = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    // One more than the page, to tell the last page from one with a next.
    expect(query).toMatchObject({ ScanIndexForward: false, Limit: 2, KeyConditionExpression: 'pk = :owner AND begins_with(sk, :photo)', ExpressionAttributeValues: { ':owner': 'sub-1', ':photo': 'PHOTO#', ':pending': 'pending' } });
    expect(response.body.photos[0]).toMatchObject({ filename: photo.filename, thumbnail_url: expect.stringContaining('darkroom-thumbnails') });
    expect(response.body.next_token).toBe(response.body.next_cursor);
    const again = await call('list', { body: { next_token: response.body.next_token } });
    expect(again.status).toBe(200);
    expect((await call('list', { body: { cursor: response.body.next_cursor } })).status).toBe(200);
    expect(dynamo.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'sub-1', sk: photo.sk });
    const foreign = await handlers.list!(httpEvent({ token: issuer.idToken('sub-2'), body: { next_token: response.body.next_token } }), lambdaContext());
    expect(foreign.statusCode).toBe(400);
    expect((await call('list', { body: { next_token: Buffer.from('{"pk":"sub-1","sk":"JOB#1"}').toString('base64url') } })).status).toBe(400);
    expect((await call('list', { body: { next_token: 'garbage' } })).status).toBe(400);
  });

  it('deletes photos, thumbnails and records; deleting again is not an error', async () => {
    dynamo.on(DeleteCommand).resolvesOnce({ Attributes: photo }).resolves({});
    const response = await call('delete', { body: { files: [photo.filename, 'gone.jpg'] } });
    expect(response.body).toEqual({ deleted: [photo.filename], not_found: ['gone.jpg'] });
    expect(deletedKeys()).toEqual(expect.arrayContaining([`darkroom-originals:${photo.key}`, `darkroom-thumbnails:${photo.key}`]));
    expect((await call('delete', { body: {} })).status).toBe(400);
  });
});

describe('the photos catalog of the shared thumbnail worker', () => {
  it('does not resurrect a photo deleted before its thumbnail was made', async () => {
    const { photosCatalog } = await import('../../../functions/photos/lib/catalog');
    const { photosRepository } = await import('../../../functions/photos/lib/deps');
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(photosCatalog(photosRepository()).recordFailed({ type: 'thumbnail.failed', key: 'sub-1/photos/x.jpg', owner: 'sub-1', service: 'photos', rest: 'x.jpg', reason: 'broken', size: 3 })).resolves.toBeUndefined();
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input.ConditionExpression).toBe('attribute_exists(pk)');
  });
});
