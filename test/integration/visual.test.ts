import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { screenPng } from '../../scripts/bench/visual-cases';
import { api, clients, newUser, outbox, stack, unique, waitFor } from '../support/stack';

const VIDEOS = join(__dirname, '../fixtures/video');
const video = (name: string) => readFileSync(join(VIDEOS, name));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** PUTs a file to its presigned URL with the Content-Type the signature fixes. @returns S3's status */
async function put(upload: { uploadUrl: string; content_type: string }, data: Buffer, contentType = upload.content_type): Promise<number> {
  const response = await fetch(upload.uploadUrl, { method: 'PUT', body: new Uint8Array(data), headers: { 'content-type': contentType } });
  await response.arrayBuffer();
  return response.status;
}

/** The newest visual code mailed to `email`: the outbox's `code`, which is the one the mail's subject gives its reader. */
async function mailedCode(email: string): Promise<string> {
  return waitFor(async () => {
    const mail = (await outbox()).find((m) => m.to === email && /visual testing code/.test(m.subject));
    if (!mail) return undefined;
    expect(mail.code).toBe(/\b(\d{6})\b/.exec(mail.subject)?.[1]);
    return mail.code;
  }, { what: `a code for ${email}` });
}

/** Polls the job until it is done or failed. */
async function settled(jobID: string, token?: string) {
  return waitFor(async () => {
    const response = await api(`/visual/job/${jobID}`, { token });
    return ['done', 'failed'].includes(response.body.status) ? response.body : undefined;
  }, { timeout: 150_000, interval: 1000, what: `job ${jobID} to finish` });
}

const categories = (file: { findings: Array<{ category: string }> }) => [...new Set(file.findings.map((f) => f.category))].sort();

describe('visual service through the local stack', () => {
  it('runs the seed\'s batch flow: two screenshots and two videos, code from the outbox, uploadDone, results, annotated image, results mail', async () => {
    const email = `tester-${unique()}@example.com`;
    const nullScreen = await screenPng({ seed: 11, nullLabel: true });
    const missingScreen = await screenPng({ seed: 12, missingImage: true });
    const first = await api('/visual/job', { body: { email, fileName: 'null label.png' } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ fileIdx: 0, content_type: 'image/png', expires_in: 900 });
    const { jobID } = first.body;
    expect(jobID).toMatch(UUID);
    const uploads = [first.body];
    for (const fileName of ['missing.png', 'photo.mp4', 'crossfade_720p.mp4']) {
      const added = await api('/visual/job', { body: { email, fileName, jobID } });
      expect(added.status).toBe(201);
      expect(added.body.fileIdx).toBe(uploads.length);
      uploads.push(added.body);
    }
    // uploadDone before the uploads: 409 naming what is missing, and the job still takes files.
    const early = await api('/visual/job', { body: { uploadDone: 'true', jobID } });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/#0 null_label\.png.*#3 crossfade_720p\.mp4/);

    // The URL signs the Content-Type (S3 refuses another; s3rver does not check it: see the unit tests).
    expect(new URL(uploads[0].uploadUrl).searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');
    expect(await put(uploads[0], nullScreen)).toBe(200);
    expect(await put(uploads[1], missingScreen)).toBe(200);
    expect(await put(uploads[2], video('photo.mp4'))).toBe(200);
    expect(await put(uploads[3], video('crossfade_720p.mp4'))).toBe(200);

    // The code mailed once with the first file; a wrong one is refused and counted, the right one verifies.
    const mails = (await outbox()).filter((m) => m.to === email);
    expect(mails).toHaveLength(1);
    const code = await mailedCode(email);
    const wrong = await api('/visual/job', { body: { verificationCode: code === '000000' ? '111111' : '000000', jobID } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/4 tries left/);
    const verified = await api('/visual/job', { body: { verificationCode: code, jobID } });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ jobID, verified: true });

    const done = await api('/visual/job', { body: { uploadDone: 'true', jobID } });
    expect(done.status).toBe(202);
    expect(done.body).toEqual({ jobID, status: 'submitted', files: 4 });
    const late = await api('/visual/job', { body: { email, fileName: 'late.png', jobID } });
    expect(late.status).toBe(409);

    const job = await settled(jobID);
    expect(job).toMatchObject({ jobID, status: 'done', verified: true, kind: 'batch' });
    expect(job.files.map((f: { status: string }) => f.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(categories(job.files[0])).toEqual(['null_value']);
    expect(categories(job.files[1])).toEqual(['missing_image']);
    expect(categories(job.files[2])).toContain('long_transition');
    expect(categories(job.files[3])).toEqual(expect.arrayContaining(['long_transition', 'stutter']));
    for (const finding of job.files[3].findings) expect(finding.frame_time).toBeGreaterThanOrEqual(0);
    const nullFinding = job.files[0].findings[0];
    expect(nullFinding.region.width).toBeGreaterThan(10);

    // The annotated copy: a PNG the size of the original, the null value's box drawn on it.
    expect(job.files[2].annotated).toBeUndefined();
    const annotated = Buffer.from(await (await fetch(job.files[0].annotated.url)).arrayBuffer());
    const [meta, original] = await Promise.all([sharp(annotated).metadata(), sharp(nullScreen).metadata()]);
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([original.width, original.height]);
    const { x, y } = nullFinding.region;
    const [before, after] = await Promise.all([nullScreen, annotated].map((png) => sharp(png).extract({ left: x, top: y, width: 1, height: 1 }).removeAlpha().raw().toBuffer()));
    expect(after!.equals(before!)).toBe(false);

    // The verified address gets one results mail, with the findings and a link per image.
    const results = await waitFor(async () => (await outbox()).find((m) => m.to === email && /is done/.test(m.subject)), { what: 'the results mail' });
    expect(results.text).toContain('null_value');
    expect(results.text).toContain('missing_image');
    expect(results.text).toMatch(/annotated: http/);
  }, 240_000);

  it('runs the single-video flow: the upload itself submits the job', async () => {
    const created = await api('/visual/Seenomaly', { body: { fileName: 'crossfade_720p.mp4' } });
    expect(created.status).toBe(201);
    const { jobID } = created.body;
    expect((await api(`/visual/job/${jobID}`)).body).toMatchObject({ status: 'created', kind: 'single', files: [{ status: 'pending', kind: 'video' }] });
    expect(await put(created.body, video('crossfade_720p.mp4'))).toBe(200);
    const job = await settled(jobID);
    expect(job.status).toBe('done');
    expect(categories(job.files[0])).toEqual(expect.arrayContaining(['long_transition', 'stutter']));
    expect((await api('/visual/Seenomaly', { body: { fileName: 'screen.png' } })).status).toBe(415);
  }, 180_000);

  it('takes the seed\'s manual SQS message: re-analyses a replaced file, records an unknown job as rejected without retrying it', async () => {
    const email = `manual-${unique()}@example.com`;
    const created = await api('/visual/job', { body: { email, fileName: 'screen.png' } });
    const { jobID } = created.body;
    expect(await put(created.body, await screenPng({ seed: 21 }))).toBe(200);
    expect((await api('/visual/job', { body: { uploadDone: true, jobID } })).status).toBe(202);
    const first = await settled(jobID);
    expect(first.files[0].findings).toEqual([]);
    const fileKey = first.files[0].fileKey;

    // The file is replaced by a blank screen; the operator sends the seed's message by hand.
    expect(await put(created.body, await sharp({ create: { width: 400, height: 700, channels: 3, background: '#ffffff' } }).png().toBuffer())).toBe(200);
    const { sqs, dynamo } = clients();
    const QueueUrl = stack().resources['queue:analysis']!;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ jobID, fileKey, fileIdx: 0 }) }));
    const again = await waitFor(async () => {
      const body = (await api(`/visual/job/${jobID}`)).body;
      return body.files[0].findings.length ? body : undefined;
    }, { timeout: 60_000, interval: 1000, what: 're-analysis' });
    expect(categories(again.files[0])).toEqual(['blank_screen']);

    const ghost = '0b7a4c1e-2f3d-4a5b-8c6d-7e8f9a0b1c2d';
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ jobID: ghost, fileKey: 'jobs/x/0/a.png', fileIdx: 0 }) }));
    const rejected = await waitFor(async () => {
      const { Items } = await dynamo.send(new QueryCommand({
        TableName: stack().resources['table:visual'], KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `REJECTED#${new Date().toISOString().slice(0, 10)}` },
      }));
      return Items?.find((item) => String(item.reason).includes(ghost));
    }, { what: 'the rejected message record' });
    expect(rejected.reason).toBe(`unknown job ${ghost}`);
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack().resources['queue:analysis:dlq'], AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(dlq.Attributes?.ApproximateNumberOfMessages).toBe('0');
  }, 180_000);

  it('records a text file uploaded as .png as failed with a reason', async () => {
    const created = await api('/visual/job', { body: { email: `text-${unique()}@example.com`, fileName: 'notes.png' } });
    expect(await put(created.body, Buffer.from('this is not an image\n'))).toBe(200);
    expect((await api('/visual/job', { body: { uploadDone: 'true', jobID: created.body.jobID } })).status).toBe(202);
    const job = await settled(created.body.jobID);
    expect(job.status).toBe('failed');
    expect(job.files[0]).toMatchObject({ status: 'failed', findings: [] });
    expect(job.files[0].failure_reason).toMatch(/notes\.png is not an image/);
  }, 120_000);

  it('answers every bad input with its 4xx and changes nothing', async () => {
    const email = `bad-${unique()}@example.com`;
    const created = await api('/visual/job', { body: { email, fileName: 'a.png' } });
    const { jobID } = created.body;
    const unknown = '0b7a4c1e-2f3d-4a5b-8c6d-7e8f9a0b1c2d';
    expect((await api(`/visual/job/${unknown}`)).status).toBe(404);
    expect((await api('/visual/job', { body: { email, fileName: 'b.png', jobID: unknown } })).status).toBe(404);
    expect((await api('/visual/job', { body: { email: 'someone@example.com', fileName: 'b.png', jobID } })).status).toBe(403);
    expect((await api('/visual/job', { body: { email, fileName: 'notes.txt', jobID } })).status).toBe(415);
    expect((await api('/visual/job', { body: { email, fileName: 'notes.txt' } })).status).toBe(415);
    const shapeless = await api('/visual/job', { body: { email, jobID, uploadDone: 'yes' } });
    expect(shapeless.status).toBe(400);
    expect(shapeless.body.message).toMatch(/\{email, fileName\}.*\{verificationCode, jobID\}.*\{uploadDone: "true", jobID\}/);
    const badId = await api('/visual/job', { body: { verificationCode: '123456', jobID: 'not-a-uuid' } });
    expect(badId.status).toBe(400);
    expect(badId.body.message).toMatch(/jobID/);
    // Five wrong codes lock verification; even the right code is refused then; a new address starts over.
    const code = await mailedCode(email);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await api('/visual/job', { body: { verificationCode: wrongCode, jobID } })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    expect((await api('/visual/job', { body: { verificationCode: code, jobID } })).status).toBe(429);
    const other = `other-${unique()}@example.com`;
    const changed = await api('/visual/job', { body: { email: other, jobID } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ jobID, email: other, verified: false });
    expect((await api('/visual/job', { body: { verificationCode: code, jobID } })).status).toBe(400);
    expect((await api('/visual/job', { body: { verificationCode: await mailedCode(other), jobID } })).body).toEqual({ jobID, verified: true });
    // The old address no longer adds files; the job kept only its one file.
    expect((await api('/visual/job', { body: { email, fileName: 'b.png', jobID } })).status).toBe(403);
    const job = (await api(`/visual/job/${jobID}`)).body;
    expect(job.files).toHaveLength(1);
    expect(job.status).toBe('created');
  }, 120_000);

  it('signs a declared fileSize: S3 refuses a PUT of any other size, and a fileSize over the limit is a 413', async () => {
    const email = `size-${unique()}@example.com`;
    const screen = await screenPng({ seed: 21 });
    const created = await api('/visual/job', { body: { email, fileName: 'sized.png', fileSize: screen.length } });
    expect(created.status).toBe(201);
    expect(new URL(created.body.uploadUrl).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(Date.parse(created.body.expires_at)).toBeGreaterThan(Date.now());
    const larger = Buffer.concat([screen, Buffer.alloc(1024)]);
    expect(await put(created.body, larger)).toBe(403);
    expect(await put(created.body, screen.subarray(0, screen.length - 1))).toBe(403);
    expect(await put(created.body, screen)).toBe(200);
    const added = await api('/visual/job', { body: { email, fileName: 'huge.png', fileSize: 50 * 1024 * 1024 + 1, jobID: created.body.jobID } });
    expect(added.status).toBe(413);
    expect(added.body).toEqual({ message: expect.stringMatching(/fileSize 52428801 is over the limit for an image: 52428800 bytes/) });
    const video = await api('/visual/Seenomaly', { body: { fileName: 'long.mp4', fileSize: 200 * 1024 * 1024 + 1 } });
    expect(video.status).toBe(413);
    expect((await api(`/visual/job/${created.body.jobID}`)).body.files).toHaveLength(1);
  }, 60_000);

  it('keeps a job created with a token to its owner', async () => {
    const ada = await newUser('visual');
    const created = await api('/visual/job', { token: ada.idToken, body: { email: ada.email, fileName: 'mine.png' } });
    expect(created.status).toBe(201);
    const { jobID } = created.body;
    expect((await api(`/visual/job/${jobID}`, { token: ada.idToken })).status).toBe(200);
    expect((await api(`/visual/job/${jobID}`)).status).toBe(404);
    expect((await api('/visual/job', { body: { uploadDone: 'true', jobID } })).status).toBe(404);
    expect((await api(`/visual/job/${jobID}`, { token: 'not.a.token' })).status).toBe(401);
  }, 120_000);
});
