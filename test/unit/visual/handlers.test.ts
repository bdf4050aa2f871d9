import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { hashCode } from '../../../functions/visual/lib/codes';
import { httpEvent, lambdaContext } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const ses = mockClient(SESv2Client);
const sqs = mockClient(SQSClient);
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
let job: Handler;
let seenomaly: Handler;
let getJob: Handler;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await startTestIssuer();
  process.env.JWT_ISSUER = issuer.issuer;
  process.env.JWKS_URI = issuer.jwksUri;
  job = (await import('../../../functions/visual/job/handler')).handler as Handler;
  seenomaly = (await import('../../../functions/visual/seenomaly/handler')).handler as Handler;
  getJob = (await import('../../../functions/visual/get_job/handler')).handler as Handler;
});
afterAll(() => issuer.close());
beforeEach(() => {
  for (const mock of [dynamo, s3, ses, sqs]) mock.reset();
  dynamo.on(GetCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

const JOB_ID = '0b7a4c1e-2f3d-4a5b-8c6d-7e8f9a0b1c2d';
const post = (body: unknown, token?: string) => job(httpEvent({ body, token }), lambdaContext());
const json = (response: { body: string }) => JSON.parse(response.body);
const jobItem = (fields: Record<string, unknown> = {}) => ({
  pk: `JOB#${JOB_ID}`, sk: 'JOB', jobID: JOB_ID, kind: 'batch', status: 'created', email: 'ada@example.com', verified: false,
  code_hash: hashCode(JOB_ID, '123456'), code_expires_at: Math.floor(Date.now() / 1000) + 600, code_attempts: 0, email_changes: 0,
  file_count: 1, files_finished: 0, files_failed: 0, created_at: '2026-12-01T00:00:00Z', expires_at: 2e9, ...fields,
});
const fileItem = (fileIdx: number, fileName: string) => ({
  pk: `JOB#${JOB_ID}`, sk: `FILE#00${fileIdx}`, jobID: JOB_ID, fileIdx, fileName, fileKey: `jobs/${JOB_ID}/${fileIdx}/${fileName}`,
  kind: fileName.endsWith('.mp4') ? 'video' : 'image', content_type: 'image/png', status: 'pending', expires_at: 2e9,
});
const withJob = (fields: Record<string, unknown> = {}) => dynamo.on(GetCommand, { Key: { pk: `JOB#${JOB_ID}`, sk: 'JOB' } }).resolves({ Item: jobItem(fields) });

describe('POST /visual/job', () => {
  it('creates a job with its first file in one transaction, mails a 6-digit code, and signs a PUT whose Content-Type is fixed', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const response = await post({ email: 'ada@example.com', fileName: 'home screen.png' });
    expect(response.statusCode).toBe(201);
    const body = json(response);
    expect(body).toMatchObject({ fileIdx: 0, content_type: 'image/png', expires_in: 900 });
    expect(body.url).toBe(body.uploadUrl);
    expect(Date.parse(body.expires_at) - Date.now()).toBeGreaterThan(800_000);
    const url = new URL(body.uploadUrl);
    expect(`${url.host}${url.pathname}`).toBe(`darkroom-visual.s3.us-east-1.amazonaws.com/jobs/${body.jobID}/0/home_screen.png`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!.map((i) => i.Put!.Item!);
    expect(items[0]).toMatchObject({ sk: 'JOB', status: 'created', verified: false, file_count: 1, code_attempts: 0 });
    expect(items[1]).toMatchObject({ sk: 'FILE#000', fileName: 'home_screen.png', kind: 'image', status: 'pending' });
    const mail = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    const code = /(\d{6})/.exec(mail.Content!.Simple!.Subject!.Data!)![1]!;
    expect(items[0]!.code_hash).toBe(hashCode(body.jobID, code));
    expect(JSON.stringify(items)).not.toContain(code);
  });

  it('removes the job again when the code mail cannot be sent', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    ses.on(SendEmailCommand).rejects(new Error('SES down'));
    const response = await post({ email: 'ada@example.com', fileName: 'a.png' });
    expect(response.statusCode).toBe(500);
    const [create, remove] = dynamo.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(remove!.map((i) => i.Delete!.Key)).toEqual(create!.map((i) => ({ pk: i.Put!.Item!.pk, sk: i.Put!.Item!.sk })));
  });

  it.each([
    [{ email: 'ada@example.com', fileName: 'notes.txt' }, 415, /Only images .* and videos/],
    [{ email: 'ada@example.com', fileName: '../..' }, 400, /no usable characters/],
    [{ email: 'not-an-address', fileName: 'a.png' }, 400, /accepted shapes.*email/],
    [{ uploadDone: 'yes', jobID: JOB_ID }, 400, /\{email, fileName\} \(first file.*\{uploadDone: "true", jobID\}/],
    [{ verificationCode: '12ab56', jobID: JOB_ID }, 400, /verificationCode/],
    [{ fileName: 'a.png', jobID: 'x' }, 400, /accepted shapes/],
    [[1, 2], 400, /accepted shapes/],
  ])('refuses %j with %i and writes nothing', async (body, status, message) => {
    const response = await post(body);
    expect(response.statusCode).toBe(status);
    expect(json(response).message).toMatch(message);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('adds a file with the job\'s counter in one conditional transaction, without mailing again', async () => {
    withJob();
    dynamo.on(TransactWriteCommand).resolves({});
    const response = await post({ email: 'ADA@example.com', fileName: 'clip.mp4', jobID: JOB_ID });
    expect(response.statusCode).toBe(201);
    expect(json(response)).toMatchObject({ jobID: JOB_ID, fileIdx: 1, content_type: 'video/mp4' });
    const [update, put] = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(update!.Update!.ConditionExpression).toBe('file_count = :count AND #status = :created AND email = :email');
    expect(put!.Put!.Item).toMatchObject({ sk: 'FILE#001', kind: 'video' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it.each([
    [{}, { email: 'eve@example.com' }, 403, /not the address/],
    [{ status: 'submitted' }, {}, 409, /takes no more files/],
    [{ file_count: 100 }, {}, 409, /at most 100 files/],
    [{ kind: 'single' }, {}, 409, /exactly one file/],
  ])('refuses a file for a job %j (%j) with %i', async (fields, body, status, message) => {
    withJob(fields);
    const response = await post({ email: 'ada@example.com', fileName: 'b.png', jobID: JOB_ID, ...body });
    expect(response.statusCode).toBe(status);
    expect(json(response).message).toMatch(message);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 404 for an unknown job, and for another user\'s job', async () => {
    expect((await post({ verificationCode: '123456', jobID: JOB_ID })).statusCode).toBe(404);
    withJob({ owner: 'sub-ada' });
    expect((await post({ uploadDone: 'true', jobID: JOB_ID })).statusCode).toBe(404);
    expect((await post({ uploadDone: 'true', jobID: JOB_ID }, issuer.idToken('sub-eve'))).statusCode).toBe(404);
  });

  it('counts a try before comparing, verifies the right code, refuses a wrong, an expired and a locked one', async () => {
    withJob();
    const queue: Array<Record<string, unknown> | Error> = [];
    const counted = (fields: Record<string, unknown> | Error) => queue.push(fields);
    dynamo.on(UpdateCommand).callsFake((input: { UpdateExpression: string }) => {
      if (input.UpdateExpression !== 'ADD code_attempts :one') return {};
      const next = queue.shift()!;
      if (next instanceof Error) throw next;
      return { Attributes: jobItem(next) };
    });
    counted({ code_attempts: 1 });
    const ok = await post({ verificationCode: 123456, jobID: JOB_ID });
    expect(ok.statusCode).toBe(200);
    expect(json(ok)).toEqual({ jobID: JOB_ID, verified: true });

    counted({ code_attempts: 2 });
    const wrong = await post({ verificationCode: '654321', jobID: JOB_ID });
    expect([wrong.statusCode, json(wrong).message]).toEqual([400, 'verificationCode is wrong (3 tries left)']);

    counted({ code_attempts: 5 });
    expect((await post({ verificationCode: '654321', jobID: JOB_ID })).statusCode).toBe(429);

    counted({ code_attempts: 1, code_expires_at: Math.floor(Date.now() / 1000) - 1 });
    const expired = await post({ verificationCode: '123456', jobID: JOB_ID });
    expect([expired.statusCode, json(expired).message]).toEqual([400, expect.stringMatching(/expired/)]);

    counted(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    const locked = await post({ verificationCode: '123456', jobID: JOB_ID });
    expect([locked.statusCode, json(locked).message]).toEqual([429, expect.stringMatching(/locked/)]);
    const tries = dynamo.commandCalls(UpdateCommand).filter((c) => c.args[0].input.UpdateExpression === 'ADD code_attempts :one');
    expect(tries[0]!.args[0].input.ConditionExpression).toBe('attribute_exists(pk) AND code_attempts < :max');
  });

  it('changes the address: new code to the new address, verification reset; 429 past the change limit', async () => {
    withJob({ verified: true });
    dynamo.on(UpdateCommand).resolves({});
    const response = await post({ email: 'bob@example.com', jobID: JOB_ID });
    expect(json(response)).toEqual({ jobID: JOB_ID, email: 'bob@example.com', verified: false });
    const update = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.UpdateExpression).toContain('code_attempts = :zero, verified = :false');
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Destination!.ToAddresses).toEqual(['bob@example.com']);
    dynamo.reset();
    withJob({ email_changes: 5 });
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    expect((await post({ email: 'carl@example.com', jobID: JOB_ID })).statusCode).toBe(429);
  });

  it('submits: every file checked with HeadObject, one message per file; a missing file is a 409 naming it and sends nothing', async () => {
    withJob({ file_count: 2 });
    dynamo.on(QueryCommand).resolves({ Items: [jobItem({ file_count: 2 }), fileItem(0, 'a.png'), fileItem(1, 'b.mp4')] });
    s3.on(HeadObjectCommand, { Key: `jobs/${JOB_ID}/0/a.png` }).resolves({ ETag: '"e0"', ContentLength: 10 });
    s3.on(HeadObjectCommand, { Key: `jobs/${JOB_ID}/1/b.mp4` }).rejects(new NotFound({ message: 'nope', $metadata: {} }));
    const missing = await post({ uploadDone: 'true', jobID: JOB_ID });
    expect([missing.statusCode, json(missing).message]).toEqual([409, expect.stringMatching(/Not uploaded yet: #1 b\.mp4/)]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);

    s3.on(HeadObjectCommand, { Key: `jobs/${JOB_ID}/1/b.mp4` }).resolves({ ETag: '"e1"', ContentLength: 300 * 1024 * 1024 });
    const big = await post({ uploadDone: true, jobID: JOB_ID });
    expect([big.statusCode, json(big).message]).toEqual([413, expect.stringMatching(/#1 b\.mp4 \(314572800 bytes/)]);

    s3.on(HeadObjectCommand, { Key: `jobs/${JOB_ID}/1/b.mp4` }).resolves({ ETag: '"e1"', ContentLength: 20 });
    dynamo.on(UpdateCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const done = await post({ uploadDone: 'true', jobID: JOB_ID });
    expect([done.statusCode, json(done)]).toEqual([202, { jobID: JOB_ID, status: 'submitted', files: 2 }]);
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!));
    expect(entries).toEqual([
      { jobID: JOB_ID, fileKey: `jobs/${JOB_ID}/0/a.png`, fileIdx: 0, eTag: 'e0' },
      { jobID: JOB_ID, fileKey: `jobs/${JOB_ID}/1/b.mp4`, fileIdx: 1, eTag: 'e1' },
    ]);
  });

  it('puts the job back to created when the messages cannot be sent, so uploadDone can be retried', async () => {
    withJob();
    dynamo.on(QueryCommand).resolves({ Items: [jobItem(), fileItem(0, 'a.png')] });
    s3.on(HeadObjectCommand).resolves({ ETag: '"e0"', ContentLength: 10 });
    dynamo.on(UpdateCommand).resolves({});
    sqs.on(SendMessageBatchCommand).rejects(new Error('SQS down'));
    expect((await post({ uploadDone: 'true', jobID: JOB_ID })).statusCode).toBe(500);
    const transitions = dynamo.commandCalls(UpdateCommand).map((c) => [c.args[0].input.ExpressionAttributeValues![':from'], c.args[0].input.ExpressionAttributeValues![':status']]);
    expect(transitions).toEqual([['created', 'submitted'], ['submitted', 'created']]);
  });
});

describe('POST /visual/Seenomaly and GET /visual/job/{jobID}', () => {
  it('creates a single-video job under single/ (the prefix the S3 notification takes), videos only', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const response = await seenomaly(httpEvent({ body: { fileName: 'rec.mov' } }), lambdaContext());
    expect(response.statusCode).toBe(201);
    const body = json(response);
    expect(body.uploadUrl).toContain(`darkroom-visual.s3.us-east-1.amazonaws.com/single/${body.jobID}/0/rec.mov?`);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect((await seenomaly(httpEvent({ body: { fileName: 'a.png' } }), lambdaContext())).statusCode).toBe(415);
  });

  it('shows the job with presigned URLs of annotated images; 404 for an unknown one, 400 for a malformed id', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [jobItem({ status: 'done' }), { ...fileItem(0, 'a.png'), status: 'done', findings: [{ category: 'null_value', score: 0.9, region: { x: 1, y: 2, width: 3, height: 4 } }], annotated_key: `annotated/${JOB_ID}/0.png` }] });
    const response = await getJob(httpEvent({ method: 'GET', pathParameters: { jobID: JOB_ID } }), lambdaContext());
    expect(response.statusCode).toBe(200);
    const body = json(response);
    expect(body).toMatchObject({ jobID: JOB_ID, status: 'done', files: [{ fileIdx: 0, status: 'done', findings: [{ category: 'null_value' }] }] });
    expect(body.files[0].annotated.url).toContain(`darkroom-visual.s3.us-east-1.amazonaws.com/annotated/${JOB_ID}/0.png?`);
    expect(JSON.stringify(body)).not.toContain('code_hash');
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect((await getJob(httpEvent({ method: 'GET', pathParameters: { jobID: JOB_ID } }), lambdaContext())).statusCode).toBe(404);
    expect((await getJob(httpEvent({ method: 'GET', pathParameters: { jobID: '../x' } }), lambdaContext())).statusCode).toBe(400);
  });
});
