/**
 * Nothing lost (issue 11): a burst of uploads through the images service on a stack of its own, which
 * is SIGKILLed mid-burst, restarted, SIGTERMed and restarted again on the same data and ports, as a
 * developer's `npm start` would be. Clients behave as a browser would: a refused connection or a 503
 * is retried, a 401 after a restart logs in again. In the end every acknowledged photo has its
 * thumbnail, every poison file is failed with its reason, nothing is duplicated, and no 5xx was
 * answered outside the SIGTERM shutdown window. Prints the figures (lost, drain time, stop time).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { spawnStack, stopStack, type SpawnedStack } from '../../scripts/local/spawn';
import { api, clientsFor, newUser, presignedPost, type TestUser } from '../support/stack';

const UPLOADS = 220;
const POISON_EVERY = 37; // 6 of 220, about 2.7 %
const IN_FLIGHT = 8;
const PHOTOS = join(__dirname, '../fixtures/photos');
// Photos up to 1 MB keep the burst about a minute on two loaded cores; the big ones are in images.test.ts.
const photos = readdirSync(PHOTOS).filter((f) => /\.(jpe?g|png)$/i.test(f) && statSync(join(PHOTOS, f)).size <= 1_000_000).sort()
  .map((name) => ({ name, data: readFileSync(join(PHOTOS, name)) }));

/** True when nothing listens on `port`. */
const portFree = (port: number) => new Promise<boolean>((done) => {
  const server = createServer().once('error', () => done(false)).listen(port, '127.0.0.1', () => server.close(() => done(true)));
});

/**
 * Nine consecutive free ports (seven emulators, the API and, at the API's port + 1, the WebSocket API), so a restarted stack keeps its endpoints and
 * issued URLs. They are taken below the kernel's ephemeral range (ip_local_port_range, 32768-60999 by
 * default): while the stack is down between a kill and its restart, no outgoing connection of this
 * machine can be given one of them as its source port and make the restart fail with EADDRINUSE.
 */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length: 9 }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Processes of process group `group` still running (zombies not counted: here PID 1 may not reap
 * the orphans of a killed parent right away, and a zombie holds nothing).
 */
function liveInGroup(group: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      return fields[0] !== 'Z' && Number(fields[2]) === group ? [Number(pid)] : [];
    } catch { return []; }
  });
}

interface Upload { index: number; name: string; data: Buffer; poison: boolean; user: number; imageId?: string; key?: string; ackAt?: number }
interface Answer { at: number; status: number; what: string }

let stack: SpawnedStack | undefined;
afterAll(async () => { if (stack) await stopStack(stack.pid, stack.dir); });

test('a burst survives SIGKILL and SIGTERM of the stack: nothing lost, nothing duplicated, no 5xx outside the shutdown', async () => {
  const base = await freeBase();
  const env = {
    PORT: String(base + 7), DARKROOM_BASE_PORT: String(base), DARKROOM_QUIET: '1', DARKROOM_SCHEDULES: 'off',
    DARKROOM_RETRY_DELAY: '1',
    // Batches in flight at the SIGKILL come back after 65 s instead of the queue's 360 s: still above
    // the worker's 60 s timeout, after which its idempotency record no longer says "in progress" (as
    // on AWS, where the visibility timeout is 6x the function timeout).
    DARKROOM_VISIBILITY_TIMEOUT: '65',
    // The reconciler picks up records pending 40 s (on AWS: 30 min, twice the upload URL's lifetime),
    // longer than the backlog of the burst takes to drain, as 30 min is on AWS.
    RECONCILE_AFTER_SECONDS: '40',
  };
  stack = await spawnStack(env, 180_000);
  const dir = stack.dir;
  const apiUrl = stack.ready.api;
  const { dynamo, s3, sqs } = clientsFor({
    region: stack.ready.env.AWS_REGION!, endpoints: stack.ready,
    credentials: { accessKeyId: stack.ready.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.ready.env.AWS_SECRET_ACCESS_KEY! },
  });
  const users: TestUser[] = await Promise.all([1, 2, 3, 4].map(() => newUser('burst', apiUrl)));

  const answers: Answer[] = [];
  const windows: Array<{ from: number; to: number }> = [];
  const uploads: Upload[] = Array.from({ length: UPLOADS }, (_, index) => {
    const poison = index % POISON_EVERY === POISON_EVERY - 1;
    const source = photos[index % photos.length]!;
    return { index, user: index % users.length, poison, name: poison ? `poison-${index}.jpg` : `${index}-${source.name}`, data: poison ? randomBytes(20_000) : source.data };
  });

  /** Calls the API until it answers something other than a refused connection, a 503 or a 401 (logs in again). */
  const call = async (path: string, upload: Upload, body?: unknown) => {
    for (;;) {
      const user = users[upload.user]!;
      try {
        const response = await api(path, { token: user.idToken, body, base: apiUrl });
        answers.push({ at: Date.now(), status: response.status, what: path });
        if (response.status === 401) {
          const login = await api('/auth/user_login', { body: { username: user.username, password: user.password }, base: apiUrl });
          if (login.status === 200) user.idToken = login.body.data.id_token;
        } else if (response.status !== 503) return response;
      } catch { /* stack down: retry */ }
      await sleep(300);
    }
  };
  const uploadOne = async (upload: Upload) => {
    const created = await call('/images/upload', upload, { file_name: upload.name });
    expect([created.status, upload.name]).toEqual([201, upload.name]);
    upload.imageId = created.body.image_id;
    upload.key = created.body.upload.fields.key;
    for (;;) {
      const status = await presignedPost(created.body.upload, upload.data, upload.name).catch(() => 0);
      if (status === 204) break;
      if (status && status !== 503) throw new Error(`S3 answered ${status} to the upload of ${upload.name}`);
      await sleep(300);
    }
    upload.ackAt = Date.now();
  };
  let next = 0;
  const acked = () => uploads.filter((u) => u.ackAt).length;
  const burst = Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < uploads.length) await uploadOne(uploads[next++]!);
  }));

  // 1. SIGKILL of the whole process group mid-burst, then a start on the same data.
  while (acked() < 70) await sleep(100);
  process.kill(-stack.pid, 'SIGKILL');
  await stack.exited;
  const killedAt = Date.now();
  stack = await spawnStack(env, 180_000, dir);
  const killDowntime = Date.now() - killedAt;

  // 2. SIGTERM mid-burst: the stack stops in order and exits 0 with no process left in its group.
  while (acked() < 150) await sleep(100);
  const window = { from: Date.now(), to: Infinity };
  windows.push(window);
  process.kill(stack.pid, 'SIGTERM');
  expect(await stack.exited).toBe(0);
  expect(liveInGroup(stack.pid)).toEqual([]);
  const stopLine = /stopped in ([\d.]+) s(.*)/.exec(readFileSync(stack.logFile, 'utf8').split('SIGTERM: stopping').pop() ?? '');
  stack = await spawnStack(env, 180_000, dir);
  window.to = Date.now();
  await burst;
  const lastAck = Math.max(...uploads.map((u) => u.ackAt!));

  // 3. Drain: every acknowledged upload ends ready or failed. The reconciler sweeps (its EventBridge
  //    rule runs every 5 minutes) re-drive what the kill lost between S3 and the queue.
  const outcome = new Map<string, { status: number; body: any }>();
  let redriven = 0;
  const deadline = Date.now() + 240_000;
  while (outcome.size < uploads.length && Date.now() < deadline) {
    for (const upload of uploads.filter((u) => !outcome.has(u.imageId!))) {
      const response = await api(`/images/download/thumbnail?image_id=${upload.imageId}`, { token: users[upload.user]!.idToken, base: apiUrl });
      answers.push({ at: Date.now(), status: response.status, what: 'thumbnail' });
      if (response.status !== 404) outcome.set(upload.imageId!, response);
    }
    if (outcome.size < uploads.length) {
      const sweep = await fetch(`${apiUrl}/_local/schedule/images-reconcile`, { method: 'POST' }).then((r) => r.json() as Promise<any>);
      redriven += sweep.result?.redriven ?? 0;
      await sleep(5_000);
    }
  }
  const drainMs = Date.now() - lastAck;

  const good = uploads.filter((u) => !u.poison);
  const lost = good.filter((u) => outcome.get(u.imageId!)?.status !== 200);
  const poison = uploads.filter((u) => u.poison);
  console.log(`resilience: ${uploads.length} uploads (${poison.length} poison) by ${users.length} users, ${IN_FLIGHT} in flight; `
    + `SIGKILL downtime ${(killDowntime / 1000).toFixed(1)} s; SIGTERM stop ${stopLine?.[1] ?? '?'} s${stopLine?.[2] ?? ''}; `
    + `${answers.filter((a) => a.status === 503).length} answers 503 while stopping; lost ${lost.length}; drain ${(drainMs / 1000).toFixed(1)} s after the last upload; reconciler re-drove ${redriven}`);
  expect(lost.map((u) => u.name)).toEqual([]);
  for (const upload of poison) {
    expect([upload.name, outcome.get(upload.imageId!)?.status, outcome.get(upload.imageId!)?.body.message]).toEqual([upload.name, 422, expect.any(String)]);
  }

  // 4. Nothing duplicated: one record per acknowledged upload; other records are upload requests whose
  //    answer the kill swallowed (no original: failed by the reconciler); one thumbnail per ready image.
  const imagesTable = stack.ready.resources['table:images']!;
  for (const [u, user] of users.entries()) {
    const { Items = [] } = await dynamo.send(new QueryCommand({ TableName: imagesTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': user.sub } }));
    const mine = uploads.filter((x) => x.user === u);
    const ids = new Set(mine.map((x) => x.imageId));
    for (const item of Items.filter((i) => ids.has(i.image_id))) {
      const upload = mine.find((x) => x.imageId === item.image_id)!;
      expect([upload.name, item.status]).toEqual([upload.name, upload.poison ? 'failed' : 'ready']);
      if (upload.poison) expect(item.failure_reason).toBeTruthy();
    }
    expect(Items.filter((i) => ids.has(i.image_id))).toHaveLength(mine.length);
    for (const extra of Items.filter((i) => !ids.has(i.image_id))) {
      expect(extra.status).not.toBe('ready');
      await expect(s3.send(new HeadObjectCommand({ Bucket: stack.ready.resources['bucket:originals'], Key: extra.key }))).rejects.toThrow();
    }
    const thumbnails: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: stack.ready.resources['bucket:thumbnails'], Prefix: `${user.sub}/images/`, ContinuationToken: token }));
      thumbnails.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(thumbnails.sort()).toEqual(mine.filter((x) => !x.poison).map((x) => x.key!).sort());
  }
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.ready.resources['queue:thumbnails:dlq'], AttributeNames: ['ApproximateNumberOfMessages'] }));
  expect(Attributes?.ApproximateNumberOfMessages).toBe('0');

  // 5. No 5xx outside the shutdown window.
  const outside = answers.filter((a) => a.status >= 500 && !windows.some((w) => a.at >= w.from && a.at <= w.to));
  expect(outside).toEqual([]);
}, 600_000);

test('while a stop drains, new requests get 503; a second SIGTERM kills everything at once', async () => {
  const own = await spawnStack({ DARKROOM_QUIET: '1', DARKROOM_SCHEDULES: 'off' }, 180_000);
  try {
    const url = new URL(`${own.ready.api}/photos/upload_single_photo`);
    // A request whose body never ends keeps the drain waiting (up to DARKROOM_DRAIN_TIMEOUT, 30 s).
    const held = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' } });
    held.on('error', () => undefined);
    held.write(Buffer.alloc(1024));
    await sleep(300);
    process.kill(own.pid, 'SIGTERM');
    await sleep(500);
    const during = await fetch(`${own.ready.api}/images/upload`, { method: 'POST', body: '{"file_name":"x.jpg"}', headers: { 'content-type': 'application/json' } });
    expect([during.status, ((await during.json()) as { message: string }).message]).toEqual([503, expect.stringMatching(/stopping/)]);
    const second = Date.now();
    process.kill(own.pid, 'SIGTERM');
    expect(await own.exited).toBe(143);
    expect(Date.now() - second).toBeLessThan(5_000);
    await sleep(500);
    expect(liveInGroup(own.pid)).toEqual([]);
    held.destroy();
  } finally {
    await stopStack(own.pid, own.dir);
  }
}, 240_000);
