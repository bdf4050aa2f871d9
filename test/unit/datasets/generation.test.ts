import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { GenerationTask } from '../../../functions/datasets/lib/generation';
import { handleGenerationMessage, methodsForOutput, outputFilename, splitClasses } from '../../../functions/datasets/lib/generation-worker';
import { httpEvent, lambdaContext } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';

const doc = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
let issuer: TestIssuer;
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
const handlers: Record<string, Handler> = {};
const PROJECT_ID = 'birds_0123456789abcdef0123456789abcdef';
const TASK_ID = 'a'.repeat(32);
const project = (extra: Record<string, unknown> = {}) => ({ pk: 'USER#sub-1', sk: `PROJECT#${PROJECT_ID}`, identity_id: 'sub-1', project_id: PROJECT_ID, project_name: 'birds', times_generated: 2, count_ORIGINAL: 10, ...extra });
const task = (extra: Partial<GenerationTask> = {}): GenerationTask => ({
  pk: `TASK#${TASK_ID}`, sk: 'TASK', task_id: TASK_ID, kind: 'generation', identity_id: 'sub-1', project_id: PROJECT_ID, project_name: 'birds',
  status: 'RUNNING', done: 0, total: 2, created_time: 't0', updated_at: 't1', expires_at: 1, process_type: 'AUGMENT', ls_method_id: ['AUG-003', 'AUG-004'],
  dropped_method_id: [], data_type: 'ORIGINAL', num_aug_p_img: 2, data_number: [1, 0, 0], seed: 's', version: 3, source_count: 1, failed: 0, failures: [], reference_images: [],
  ...extra,
});

beforeAll(async () => {
  issuer = await startTestIssuer();
  process.env.JWT_ISSUER = issuer.issuer;
  process.env.JWKS_URI = issuer.jwksUri;
  for (const name of ['generate_list_method', 'generate_images', 'generate_task_progress', 'generate_task_cancel']) {
    handlers[name] = (await import(`../../../functions/datasets/${name}/handler`)).handler as Handler;
  }
});
afterAll(() => issuer.close());
beforeEach(() => {
  doc.reset(); s3.reset(); sqs.reset();
  doc.on(GetCommand).resolves({}); // the JWT layer's revocation check, and anything not set up below
});

const call = async (name: string, body: Record<string, unknown>, sub = 'sub-1') => {
  const response = await handlers[name]!(httpEvent({ body: { id_token: issuer.idToken(sub), ...body } }), lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body) };
};
const request = (extra: Record<string, unknown> = {}) => ({ project_id: PROJECT_ID, project_name: 'birds', ls_method_id: ['AUG-003'], data_number: [8, 1, 1], ...extra });

describe('POST /generate/list_method', () => {
  it('lists both kinds in the datasets envelope', async () => {
    const response = await call('generate_list_method', {});
    expect(response.status).toBe(200);
    expect(response.body.data.augmentation[17]).toMatchObject({ method_id: 'AUG-017', method_name: 'super_resolution' });
    expect(response.body.data.preprocessing).toHaveLength(9);
  });
});

describe('POST /generate/images', () => {
  it('starts the task with one conditional transaction (task, marker, lock) and queues its plan', async () => {
    doc.on(GetCommand, { Key: { pk: 'USER#sub-1', sk: `PROJECT#${PROJECT_ID}` } }).resolves({ Item: project() });
    doc.on(TransactWriteCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({});
    const response = await call('generate_images', request({ num_aug_p_img: 3, seed: 'abc' }));
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ task_id: expect.stringMatching(/^[0-9a-f]{32}$/), times_generated: 3 });
    const items = doc.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[1]!.Put!.Item).toMatchObject({ status: 'PENDING', total: 30, process_type: 'AUGMENT', num_aug_p_img: 3, seed: 'abc', version: 3 });
    expect(items[4]!.Put!.Item).toMatchObject({ sk: 'LOCK#generation' });
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!)).toEqual({ type: 'plan', task_id: response.body.data.task_id });
  });

  it.each([
    ['mixed kinds', request({ ls_method_id: ['AUG-001', 'PRE-001'] }), 400, /mix/],
    ['an unknown id', request({ ls_method_id: ['AUG-031'] }), 400, /Unknown/],
    ['a malformed id', request({ ls_method_id: ['rotate'] }), 400, /ls_method_id/],
    ['PRE on PREPROCESS data', request({ ls_method_id: ['PRE-002'], data_type: 'PREPROCESS' }), 400, /already preprocessed/],
    ['num_aug_p_img 6', request({ num_aug_p_img: 6 }), 400, /num_aug_p_img/],
    ['num_aug_p_img with preprocessing', request({ ls_method_id: ['PRE-002'], num_aug_p_img: 2 }), 400, /augmentation only/],
    ['a wrong total', request({ data_number: [8, 1, 0] }), 400, /add up to the ORIGINAL group's 10/],
    ['train 0', request({ data_number: [0, 5, 5] }), 400, /train/],
    ['two numbers', request({ data_number: [9, 1] }), 400, /data_number/],
    ['an empty group', request({ data_type: 'PREPROCESS' }), 400, /PREPROCESS group of this project is empty/],
    ['a wrong name', request({ project_name: 'cats' }), 400, /project_name/],
  ])('refuses %s and writes nothing', async (_, body, status, message) => {
    doc.on(GetCommand, { Key: { pk: 'USER#sub-1', sk: `PROJECT#${PROJECT_ID}` } }).resolves({ Item: project() });
    const response = await call('generate_images', body);
    expect(response).toMatchObject({ status, body: { data: null, error: true, success: false, message: expect.stringMatching(message) } });
    expect(doc.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('404 for a project that is not the caller\'s; 409 when the lock write fails', async () => {
    expect((await call('generate_images', request())).status).toBe(404);
    doc.on(GetCommand, { Key: { pk: 'USER#sub-1', sk: `PROJECT#${PROJECT_ID}` } }).resolves({ Item: project() });
    const { TransactionCanceledException } = await import('@aws-sdk/client-dynamodb');
    doc.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'x', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }] }));
    const busy = await call('generate_images', request());
    expect(busy).toMatchObject({ status: 409, body: { message: expect.stringMatching(/already running/) } });
  });
});

describe('POST /generate/task_progress and /generate/task_cancel', () => {
  it('reports the task; another user\'s task is 404', async () => {
    doc.on(GetCommand, { Key: { pk: `TASK#${TASK_ID}`, sk: 'TASK' } }).resolves({ Item: task({ done: 1, failed: 1, reference_images: [{ method_id: 'PRE-002', statistic: 'brightness', filename: 'a.jpg', value: 100 }] }) });
    const response = await call('generate_task_progress', { task_id: TASK_ID });
    expect(response.body.data).toMatchObject({ task_id: TASK_ID, project_id: PROJECT_ID, process_type: 'AUGMENT', status: 'RUNNING', number_finished: 1, number_total: 2, number_failed: 1, created_time: 't0', updated_at: 't1', times_generated: 3 });
    expect((await call('generate_task_progress', { task_id: TASK_ID }, 'sub-2')).status).toBe(404);
    expect((await call('generate_task_progress', { task_id: 'nope' })).status).toBe(400);
  });

  it('cancels a running task (no times_generated), and refuses an ended one with 409', async () => {
    doc.on(GetCommand, { Key: { pk: `TASK#${TASK_ID}`, sk: 'TASK' } }).resolvesOnce({ Item: task() }).resolves({ Item: task({ status: 'CANCELLED' }) });
    doc.on(TransactWriteCommand).resolves({});
    const response = await call('generate_task_cancel', { task_id: TASK_ID });
    expect(response.body.data.status).toBe('CANCELLED');
    const items = doc.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(3); // task, marker, lock; no project update
    expect((await call('generate_task_cancel', { task_id: TASK_ID })).status).toBe(409);
  });
});

describe('the generation worker', () => {
  const deps = () => ({
    table: { doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), tableName: 't' },
    queue: { sqs: new SQSClient({ region: 'us-east-1' }), url: 'q' }, s3: new S3Client({ region: 'us-east-1' }), bucket: 'b',
  });

  it('splits reproducibly by data_number and names outputs uniquely', () => {
    const a = splitClasses(10, [6, 3, 1], 'seed');
    expect(a).toEqual(splitClasses(10, [6, 3, 1], 'seed'));
    expect(a.filter((c) => c === 'TRAIN')).toHaveLength(6);
    expect(a.filter((c) => c === 'TEST')).toHaveLength(1);
    expect(outputFilename('a.JPG', 'image/jpeg', 'jpg', 'AUGMENT', 2, 0)).toBe('a_v2_1.JPG');
    expect(outputFilename('a.gif', 'image/png', 'png', 'AUGMENT', 2, 4)).toBe('a_v2_5.gif.png');
    expect(outputFilename('a.png', 'image/png', 'png', 'PREPROCESS', 2, 0)).toBe('a.png');
    expect(methodsForOutput(task(), 1, 1).map((m) => m.method_id)).toEqual(['AUG-004']);
  });

  it('skips outputs already recorded and counts each new one in the same transaction as its record', async () => {
    const image = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#369' } }).jpeg().toBuffer();
    doc.on(GetCommand, { Key: { pk: `TASK#${TASK_ID}`, sk: 'TASK' } }).resolves({ Item: task() });
    doc.on(GetCommand, { Key: { pk: `TASK#${TASK_ID}`, sk: 'OUT#a.jpg#0' } }).resolves({ Item: { done: true } });
    doc.on(GetCommand, { Key: { pk: `TASK#${TASK_ID}`, sk: 'OUT#a.jpg#1' } }).resolves({});
    doc.on(BatchGetCommand).resolves({ Responses: {} });
    doc.on(TransactWriteCommand).resolves({});
    s3.on(GetObjectCommand).callsFake(() => ({ Body: sdkStreamMixin(Readable.from([image])) }));
    s3.on(PutObjectCommand).resolves({});
    await handleGenerationMessage(deps(), { type: 'batch', task_id: TASK_ID, batch: 0, sources: [{ filename: 'a.jpg', key: 'k/a.jpg', classtype: 'TRAIN', index: 0 }] }, { number: 1, max: 3 });
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`sub-1/${PROJECT_ID}/AUGMENT/a_v3_2.jpg`]);
    const transactions = doc.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    const progress = transactions.find((t) => t[0]!.Put?.Item?.sk === 'OUT#a.jpg#1')!;
    expect(progress[0]!.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(progress[1]!.Update!.UpdateExpression).toMatch(/ADD done :one, #class :one/);
  });

  it('plans: splits, queues batches of at most 25 outputs, marks the task RUNNING', async () => {
    const sources = Array.from({ length: 12 }, (_, i) => ({ filename: `f${String(i).padStart(2, '0')}.jpg`, key: `k/${i}`, size: 1 }));
    const planned = task({ status: 'PENDING', num_aug_p_img: 5, source_count: 12, data_number: [10, 1, 1], total: 60, references: {} });
    doc.on(GetCommand, { Key: { pk: `TASK#${TASK_ID}`, sk: 'TASK' } }).resolves({ Item: planned });
    doc.on(QueryCommand).resolves({ Items: sources });
    doc.on(UpdateCommand).resolves({ Attributes: planned });
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    expect(await handleGenerationMessage(deps(), { type: 'plan', task_id: TASK_ID }, { number: 1, max: 3 })).toEqual({ status: 'RUNNING' });
    const messages = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)));
    expect(messages.map((m) => m.sources.length)).toEqual([5, 5, 2]);
    expect(messages.flatMap((m) => m.sources.map((s: { classtype: string }) => s.classtype)).filter((c) => c === 'TRAIN')).toHaveLength(10);
    expect(doc.commandCalls(UpdateCommand).at(-1)!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':status': 'RUNNING', ':number_batches': 3 });
  });
});
