import { Readable } from 'node:stream';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import yauzl from 'yauzl';
import { writeZip, type ZipSource } from '../../../functions/datasets/lib/export-job';
import { entryName } from '../../../functions/datasets/lib/exports';
import { lambdaContext, sqsEvent } from '../../support/events';
import { BUCKET, call, dataItem, dynamo, handlerOf, PROJECT_ID, projectItem, resetMocks, s3, setUp, sqs, SUB, TABLE, tearDown } from './harness';

const TASK_ID = 'f'.repeat(32);
const handlers: Record<string, Awaited<ReturnType<typeof handlerOf>>> = {};
let worker: (event: unknown, context: unknown) => Promise<{ batchItemFailures: unknown[] }>;
// Powertools idempotency claims each task in the idempotency table (low-level client).
const dynamoRaw = mockClient(DynamoDBClient);

beforeAll(async () => {
  await setUp();
  handlers.create = await handlerOf('download_create');
  handlers.get = await handlerOf('download_update');
  worker = (await import('../../../functions/datasets/export_worker/handler')).handler as never;
});
afterAll(async () => { dynamoRaw.restore(); await tearDown(); });
beforeEach(() => {
  resetMocks();
  dynamoRaw.reset();
  dynamoRaw.on(PutItemCommand).resolves({}); dynamoRaw.on(UpdateItemCommand).resolves({}); dynamoRaw.on(DeleteItemCommand).resolves({});
  dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}` } }).resolves({ Item: projectItem({ count_ORIGINAL: 2, size_ORIGINAL: 10 }) });
});

const task = (fields: Record<string, unknown> = {}) => ({
  pk: `TASK#${TASK_ID}`, sk: 'TASK', task_id: TASK_ID, kind: 'export', identity_id: SUB, project_id: PROJECT_ID, project_name: 'birds',
  status: 'RUNNING', done: 0, total: 2, down_type: 'ALL', process_type: 'DOWNLOAD', data_version: 3, s3_key: null,
  created_time: '2026-12-01T10:00:00.000Z', updated_at: '2026-12-01T10:00:00.000Z', expires_at: 2e9, ...fields,
});
const taskGet = (item: Record<string, unknown> | undefined) => dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `TASK#${TASK_ID}`, sk: 'TASK' } }).resolves({ Item: item });

function unzip(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => zip.openReadStream(entry, (e, stream) => {
        if (e || !stream) return reject(e);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => { entries.set(entry.fileName, Buffer.concat(chunks)); zip.readEntry(); });
      }));
      zip.on('end', () => resolve(entries)).on('error', reject);
      zip.readEntry();
    });
  });
}

describe('POST /projects/download_create', () => {
  const create = (body: Record<string, unknown> = {}) => call(handlers.create!, { down_type: 'ALL', project_id: PROJECT_ID, project_name: 'birds', ...body });

  it('starts an export task (conditioned on the project) and queues it', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({});
    const response = await create();
    expect(response.status).toBe(200);
    const taskId = response.body.data.task_id;
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.ConditionCheck).toMatchObject({ Key: { pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}` }, ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting)' });
    expect(items[1]!.Put!.Item).toMatchObject({ task_id: taskId, kind: 'export', status: 'RUNNING', total: 2, down_type: 'ALL', data_version: 3 });
    expect(items[2]!.Put!.Item).toMatchObject({ pk: `RUNNING#${PROJECT_ID}`, sk: `TASK#${taskId}` });
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ pk: `EXPORT#${PROJECT_ID}`, sk: 'ALL#3', task_id: taskId });
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!)).toEqual({ task_id: taskId });
  });

  it('reuses the finished export of the same data version', async () => {
    dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `EXPORT#${PROJECT_ID}`, sk: 'ALL#3' } }).resolves({ Item: { task_id: TASK_ID } });
    taskGet(task({ status: 'FINISH' }));
    expect((await create()).body.data).toEqual({ task_id: TASK_ID });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 400 for an empty group and for a project_name that is not the project\'s, queuing nothing', async () => {
    expect(await create({ down_type: 'AUGMENT' })).toMatchObject({ status: 400, body: { message: 'There is no AUGMENT data to download' } });
    expect((await create({ project_name: 'gulls' })).status).toBe(400);
    expect((await create({ down_type: 'EVERYTHING' })).status).toBe(400);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('ends the task ERROR when the queue cannot take it', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    sqs.on(SendMessageCommand).rejects(new Error('SQS down'));
    expect((await create()).status).toBe(500);
    const [, finish] = dynamo.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(finish![0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':status': 'ERROR' });
  });
});

describe('POST /projects/download_update', () => {
  it('answers null key and URL while running, a one-hour presigned GET once finished, and 404 for another user\'s task', async () => {
    taskGet(task({ done: 1 }));
    expect((await call(handlers.get!, { task_id: TASK_ID })).body.data).toMatchObject({ status: 'RUNNING', s3_key: null, presign_url: null, progress: { done: 1, total: 2 } });
    const key = `${SUB}/${PROJECT_ID}/download/${TASK_ID}/birds_ALL.zip`;
    taskGet(task({ status: 'FINISH', s3_key: key, size: 1234, done: 2 }));
    const done = (await call(handlers.get!, { task_id: TASK_ID })).body.data;
    expect(done).toMatchObject({ status: 'FINISH', s3_key: key, size: 1234, down_type: 'ALL', project_name: 'birds' });
    expect(done.presign_url).toContain(`${BUCKET}.s3.us-east-1.amazonaws.com/${key}?`);
    expect(done.presign_url).toContain('X-Amz-Expires=3600');
    taskGet(task({ identity_id: 'sub-bob' }));
    expect((await call(handlers.get!, { task_id: TASK_ID })).status).toBe(404);
    expect((await call(handlers.get!, { task_id: 'not-hex' })).status).toBe(400);
  });
});

describe('the export worker', () => {
  const files = { 'a.png': Buffer.from('first image bytes'), 'b.jpg': Buffer.alloc(70_000, 7) };
  const serveGroup = () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `DATA#${PROJECT_ID}#ORIGINAL` } }).resolves({
      Items: [dataItem('a.png'), dataItem('b.jpg', { classtype: 'TRAIN' })],
    });
    s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => ({ Body: sdkStreamMixin(Readable.from([files[input.Key.split('/').pop() as keyof typeof files]])) }));
  };

  it('streams the group into one zip (split entries under their class), then ends the task FINISH once', async () => {
    taskGet(task());
    serveGroup();
    s3.on(PutObjectCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    expect((await worker(sqsEvent({ task_id: TASK_ID }), lambdaContext())).batchItemFailures).toEqual([]);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.Key).toBe(`${SUB}/${PROJECT_ID}/download/${TASK_ID}/birds_ALL.zip`);
    const entries = await unzip(Buffer.from(put.Body as Uint8Array));
    expect([...entries.keys()]).toEqual(['ORIGINAL/a.png', 'ORIGINAL/TRAIN/b.jpg']);
    expect(entries.get('ORIGINAL/TRAIN/b.jpg')!.equals(files['b.jpg'])).toBe(true);
    const finish = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(finish[0]!.Update).toMatchObject({ ConditionExpression: '#status IN (:pending, :running)', ExpressionAttributeValues: { ':status': 'FINISH' } });
    expect(Object.values(finish[0]!.Update!.ExpressionAttributeValues!)).toEqual(expect.arrayContaining([put.Key, 2]));
    expect(finish[1]!.Delete!.Key).toEqual({ pk: `RUNNING#${PROJECT_ID}`, sk: `TASK#${TASK_ID}` });
  });

  it('leaves a task that already ended alone (a redelivery after success)', async () => {
    taskGet(task({ status: 'FINISH' }));
    expect((await worker(sqsEvent({ task_id: TASK_ID }), lambdaContext())).batchItemFailures).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('retries a failed export, and ends it ERROR on the last attempt', async () => {
    taskGet(task());
    serveGroup();
    s3.on(PutObjectCommand).rejects(new Error('S3 down'));
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    const attempt = (n: string) => { const event = sqsEvent({ task_id: TASK_ID }); event.Records[0]!.attributes.ApproximateReceiveCount = n; event.Records[0]!.eventSourceARN = 'arn:aws:sqs:us-east-1:000000000000:darkroom-dataset-exports'; return worker(event, lambdaContext()); };
    await expect(attempt('1')).rejects.toThrow(/All records failed/);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect((await attempt('3')).batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':status': 'ERROR' });
  });
});

describe('writeZip', () => {
  it('writes a large zip as a multipart upload, opening at most prefetch objects ahead of the one it writes', async () => {
    const parts = new Map<number, Buffer>();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCommand).callsFake(async (input: { PartNumber: number; Body: Uint8Array }) => { parts.set(input.PartNumber, Buffer.from(input.Body)); return { ETag: `e${input.PartNumber}` }; });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    const blob = (i: number) => Buffer.alloc(3 * 1024 * 1024, i);
    let open = 0;
    let maxOpen = 0;
    const opened: number[] = [];
    async function* sources(): AsyncGenerator<ZipSource> {
      for (let i = 0; i < 5; i++) {
        opened.push(i);
        yield {
          name: `ORIGINAL/${i}.bin`,
          open: async () => {
            open += 1; maxOpen = Math.max(maxOpen, open);
            const stream = Readable.from([blob(i)]);
            stream.on('end', () => { open -= 1; });
            return stream;
          },
        };
      }
      yield { name: 'ORIGINAL/gone.bin', open: async () => undefined };
    }
    const result = await writeZip((await import('@darkroom/runtime')).s3(), { bucket: BUCKET, key: 'k.zip' }, sources(), undefined, { partSize: 5 * 1024 * 1024, queueSize: 1, prefetch: 1 });
    expect(result).toMatchObject({ entries: 5, skipped: ['ORIGINAL/gone.bin'] });
    expect(maxOpen).toBeLessThanOrEqual(2);
    expect(opened).toEqual([0, 1, 2, 3, 4]);
    expect(parts.size).toBe(Math.ceil(result.bytes / (5 * 1024 * 1024)));
    const zip = Buffer.concat([...parts.keys()].sort((a, b) => a - b).map((n) => parts.get(n)!));
    expect(zip.length).toBe(result.bytes);
    const entries = await unzip(zip);
    for (let i = 0; i < 5; i++) expect(entries.get(`ORIGINAL/${i}.bin`)!.equals(blob(i))).toBe(true);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(1);
  });

  it('aborts the multipart upload when a source fails', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u2' });
    s3.on(UploadPartCommand).resolves({ ETag: 'e' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    async function* sources(): AsyncGenerator<ZipSource> {
      yield { name: 'a', open: async () => Readable.from([Buffer.alloc(6 * 1024 * 1024, 1)]) };
      yield { name: 'b', open: async () => { throw new Error('GetObject failed'); } };
    }
    await expect(writeZip((await import('@darkroom/runtime')).s3(), { bucket: BUCKET, key: 'k.zip' }, sources(), undefined, { partSize: 5 * 1024 * 1024, queueSize: 1 })).rejects.toThrow('GetObject failed');
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('names entries <TYPE>/<classtype>/<filename> once split, else <TYPE>/<filename>', () => {
    expect(entryName({ type_method: 'AUGMENT', classtype: 'VAL', filename: 'x.png' })).toBe('AUGMENT/VAL/x.png');
    expect(entryName({ type_method: 'ORIGINAL', classtype: null, filename: 'x.png' })).toBe('ORIGINAL/x.png');
  });
});
