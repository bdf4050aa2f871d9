import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { analysisKey, parseAnalysisMessage, processAnalysisMessage, type AnalysisDeps } from '../../../functions/visual/lib/analysis';
import type { Analyser } from '../../../functions/visual/lib/analysers';
import { VisualRepository } from '../../../functions/visual/lib/repository';
import { screenPng } from '../../../scripts/bench/visual-cases';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const ses = mockClient(SESv2Client);
const JOB_ID = '0b7a4c1e-2f3d-4a5b-8c6d-7e8f9a0b1c2d';
const KEY = `jobs/${JOB_ID}/0/a.png`;
const job = (fields: Record<string, unknown> = {}) => ({
  pk: `JOB#${JOB_ID}`, sk: 'JOB', jobID: JOB_ID, kind: 'batch', status: 'submitted', email: 'ada@example.com', verified: true,
  code_attempts: 0, email_changes: 0, file_count: 1, files_finished: 0, files_failed: 0, created_at: '', expires_at: 2e9, ...fields,
});
const file = (fields: Record<string, unknown> = {}) => ({
  pk: `JOB#${JOB_ID}`, sk: 'FILE#000', jobID: JOB_ID, fileIdx: 0, fileName: 'a.png', fileKey: KEY, kind: 'image', content_type: 'image/png', status: 'queued', expires_at: 2e9, ...fields,
});
const analysed: Array<string> = [];
const analyser: Analyser = { name: 'fake', analyse: async (f) => { analysed.push(f.fileName); return [{ category: 'null_value', score: 0.9, region: { x: 10, y: 10, width: 50, height: 20 } }]; } };
const deps = (): AnalysisDeps => ({
  repo: new VisualRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'visual'), s3: new S3Client({ region: 'us-east-1' }), bucket: 'visual',
  mail: { ses: new SESv2Client({ region: 'us-east-1' }), mailFrom: 'no-reply@x.test' }, analysers: { image: analyser, video: analyser },
});

let png: Buffer;
beforeAll(async () => { png = await screenPng({ seed: 5 }); });
beforeEach(() => {
  for (const mock of [dynamo, s3, ses]) mock.reset();
  analysed.length = 0;
  dynamo.on(GetCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
});
const body = (bytes: Buffer) => ({ Body: sdkStreamMixin(Readable.from([bytes])) as never });

describe('analysis messages', () => {
  it('parses the seed\'s manual body (numeric jobID and fileIdx as the seed writes them), S3 events and test events', () => {
    expect(parseAnalysisMessage(JSON.stringify({ jobID: 123, fileKey: 'k', fileIdx: '2' }))).toEqual({ tasks: [{ jobID: '123', fileKey: 'k', fileIdx: 2, source: 'message' }] });
    expect(parseAnalysisMessage(JSON.stringify({ Event: 's3:TestEvent' }))).toEqual({ tasks: [] });
    const event = { Records: [{ s3: { object: { key: `single/${JOB_ID}/0/my+clip.mp4`, eTag: 'e1' } } }] };
    expect(parseAnalysisMessage(JSON.stringify(event))).toEqual({ tasks: [{ jobID: JOB_ID, fileIdx: 0, fileKey: `single/${JOB_ID}/0/my clip.mp4`, eTag: 'e1', source: 's3' }] });
    expect(parseAnalysisMessage('not json')).toEqual({ rejected: 'body is not JSON' });
    expect(parseAnalysisMessage(JSON.stringify({ jobID: 'x', fileIdx: -1, fileKey: 'k' }))).toHaveProperty('rejected');
  });

  it('keys idempotency by job, file and object version, or by the message when no version is given', () => {
    const tasks = [{ jobID: 'j', fileIdx: 1, fileKey: 'k', eTag: 'e', source: 'message' as const }];
    expect(analysisKey(tasks, 'm1')).toBe('j/1@e');
    expect(analysisKey([{ ...tasks[0]!, eTag: undefined }], 'm1')).toBe('j/1@message:m1');
  });

  it('records an unknown job, an unknown file and a mismatched fileKey as rejected, without throwing (no retry)', async () => {
    expect(await processAnalysisMessage(deps(), JSON.stringify({ jobID: JOB_ID, fileKey: KEY, fileIdx: 0 }), 'm1')).toEqual(['rejected']);
    dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'JOB' } }).resolves({ Item: job() });
    expect(await processAnalysisMessage(deps(), JSON.stringify({ jobID: JOB_ID, fileKey: KEY, fileIdx: 7 }), 'm2')).toEqual(['rejected']);
    dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'FILE#000' } }).resolves({ Item: file() });
    expect(await processAnalysisMessage(deps(), JSON.stringify({ jobID: JOB_ID, fileKey: 'jobs/other/0/x.png', fileIdx: 0 }), 'm3')).toEqual(['rejected']);
    const reasons = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item!.reason);
    expect(reasons).toEqual([`unknown job ${JOB_ID}`, `job ${JOB_ID} has no file 7`, `fileKey is not the key of file 0 of job ${JOB_ID}`]);
    expect(analysed).toEqual([]);
  });

  it('analyses a file, writes its annotated copy, counts it finished once, finishes the job and mails the verified address', async () => {
    dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'JOB' } }).resolvesOnce({ Item: job() }).resolves({ Item: job({ status: 'running', files_finished: 1 }) });
    dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'FILE#000' } }).resolves({ Item: file() });
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [job({ status: 'done', files_finished: 1 }), file({ status: 'done', findings: [{ category: 'null_value', score: 0.9, region: { x: 1, y: 1, width: 1, height: 1 } }], annotated_key: `annotated/${JOB_ID}/0.png` })] });
    s3.on(HeadObjectCommand).resolves({ ETag: '"v1"', ContentLength: png.length });
    s3.on(GetObjectCommand).resolves(body(png));
    s3.on(PutObjectCommand).resolves({});
    expect(await processAnalysisMessage(deps(), JSON.stringify({ jobID: JOB_ID, fileKey: KEY, fileIdx: 0, eTag: 'v1' }), 'm1')).toEqual(['done']);
    expect(analysed).toEqual(['a.png']);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect([put.Key, put.ContentType]).toEqual([`annotated/${JOB_ID}/0.png`, 'image/png']);
    const [fileUpdate, counter] = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(fileUpdate!.Update!.ConditionExpression).toBe('#status = :previous');
    expect(counter!.Update!.UpdateExpression).toBe('ADD files_finished :one, files_failed :failed');
    const statuses = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':status']).filter(Boolean);
    expect(statuses).toEqual(['running', 'running', 'done']);
    const mail = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(mail.Destination!.ToAddresses).toEqual(['ada@example.com']);
    expect(mail.Content!.Simple!.Body!.Text!.Data).toMatch(/#0 a\.png \(image\): 1 finding\(s\): null_value\n {2}annotated: https:/);
  });

  it('records a text file named .png as failed with a reason, without analysing it', async () => {
    dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'JOB' } }).resolves({ Item: job() });
    dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'FILE#000' } }).resolves({ Item: file() });
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ETag: '"v1"', ContentLength: 20 });
    s3.on(GetObjectCommand).resolves(body(Buffer.from('just some text here\n')));
    expect(await processAnalysisMessage(deps(), JSON.stringify({ jobID: JOB_ID, fileKey: KEY, fileIdx: 0 }), 'm1')).toEqual(['failed']);
    expect(analysed).toEqual([]);
    const update = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Update!;
    expect(update.ExpressionAttributeValues).toMatchObject({ ':status': 'failed', ':failure_reason': 'a.png is not an image: its content is not a known media format' });
    expect(dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![1]!.Update!.ExpressionAttributeValues).toMatchObject({ ':failed': 1 });
  });

  it('skips a file already analysed at the object\'s current version', async () => {
    dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'JOB' } }).resolves({ Item: job({ status: 'done', files_finished: 1, results_mailed_to: 'ada@example.com' }) });
    dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'FILE#000' } }).resolves({ Item: file({ status: 'done', etag: 'v1', analysed_at: 'x' }) });
    s3.on(HeadObjectCommand).resolves({ ETag: '"v1"', ContentLength: 20 });
    expect(await processAnalysisMessage(deps(), JSON.stringify({ jobID: JOB_ID, fileKey: KEY, fileIdx: 0 }), 'm1')).toEqual(['skipped']);
    expect(analysed).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
