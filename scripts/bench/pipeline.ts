/**
 * Pipeline latency on the local stack: the time from the end of a photo's S3 upload to its thumbnail
 * being downloadable through the API (S3 notification -> SQS -> poller -> thumbnail Lambda -> DynamoDB),
 * for the 20 MP fixture photo and a 12 MP phone-like photo, 3 runs each, median printed. The stack is
 * started by scripts/local/spawn.ts exactly as `npm start` runs; the poll interval (25 ms) bounds the
 * resolution.
 *
 * First a burst: BURST uploads (the fixture photos up to 1 MB, over and over; 8 uploads in flight)
 * with the stack's workers paused (DARKROOM_WORKERS_PAUSED), so the whole burst waits in the queue as
 * it would behind a slow consumer; then the workers resume and the figure is thumbnails/s end to end,
 * from the resume to the last thumbnail recorded in the images table (S3 notification -> SQS ->
 * media-thumbnail -> S3 -> thumbnail-events queue -> images-thumbnail-events -> DynamoDB). Next to it,
 * the worker's code path in this process (codePathThroughput: S3 and SQS in memory) over the same
 * photos with as many records at once as the stack's pollers process (pollers x batch size), and the
 * ratio. (With uploads and thumbnails at once, the end-to-end rate is the upload rate, also printed.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { spawnStack, stopStack, type SpawnedStack } from '../local/spawn';
import { loadManifest, ROOT } from '../manifest';
import { codePathThroughput } from './thumbnails';

const PHOTOS = ['Kleiber_by_Lukas_Baubkus.jpg', 'kleiber_4032x3024_q92.jpg'];
/** `npm run bench -- --quick`: one latency run per photo and a burst of 40. */
const RUNS = process.env.DARKROOM_BENCH_QUICK === '1' ? 1 : 3;
const BURST = process.env.DARKROOM_BENCH_QUICK === '1' ? 40 : 240;
const UPLOADS_IN_FLIGHT = 8;

/** The burst: uploads BURST photos and waits for every thumbnail. @returns thumbnails/s and latencies (ms) */
async function burst(stack: SpawnedStack, photos: Array<{ name: string; data: Buffer }>) {
  const { api, clientsFor, newUser, presignedPost } = await import('../../test/support/stack');
  const users = await Promise.all([newUser('burst-a'), newUser('burst-b')]);
  const { dynamo } = clientsFor({
    region: stack.ready.env.AWS_REGION!, endpoints: stack.ready,
    credentials: { accessKeyId: stack.ready.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.ready.env.AWS_SECRET_ACCESS_KEY! },
  });
  const acked = new Map<string, number>();
  const ready = new Map<string, number>();
  const uploadStarted = performance.now();
  let next = 0;
  const uploads = Promise.all(Array.from({ length: UPLOADS_IN_FLIGHT }, async () => {
    while (next < BURST) {
      const i = next++;
      const photo = photos[i % photos.length]!;
      const user = users[i % users.length]!;
      const created = await api('/images/upload', { token: user.idToken, body: { file_name: `${i}-${photo.name}` } });
      if (created.status !== 201) throw new Error(`upload request: ${created.status}`);
      const status = await presignedPost(created.body.upload, photo.data, photo.name);
      if (status !== 204) throw new Error(`upload: ${status}`);
      acked.set(created.body.image_id, performance.now());
    }
  }));
  await uploads;
  const uploadSeconds = (performance.now() - uploadStarted) / 1000;
  const thumbnailsQueue = stack.ready.resources['queue:thumbnails']!;
  const { sqs } = clientsFor({
    region: stack.ready.env.AWS_REGION!, endpoints: stack.ready,
    credentials: { accessKeyId: stack.ready.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.ready.env.AWS_SECRET_ACCESS_KEY! },
  });
  for (;;) {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: thumbnailsQueue, AttributeNames: ['ApproximateNumberOfMessages'] }));
    if (Number(Attributes?.ApproximateNumberOfMessages) >= BURST) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const resumed = await fetch(`${stack.ready.api}/_local/workers/resume`, { method: 'POST' });
  if (resumed.status !== 200) throw new Error(`resume: ${resumed.status}`);
  const started = performance.now();
  // One Query per user per 200 ms: cheaper for the machine than polling every image through the API.
  while (ready.size < BURST) {
    for (const user of users) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await dynamo.send(new QueryCommand({
          TableName: stack.ready.resources['table:images'], KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': user.sub }, ExclusiveStartKey: start,
        }));
        for (const item of page.Items ?? []) {
          if (item.status === 'failed') throw new Error(`${item.file_name} failed: ${item.failure_reason}`);
          if (item.status === 'ready' && !ready.has(item.image_id)) ready.set(item.image_id, performance.now());
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    if (performance.now() - started > 600_000) throw new Error(`burst: ${ready.size} of ${BURST} thumbnails after 10 min`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (Math.max(...ready.values()) - started) / 1000;
  return { perSecond: BURST / seconds, seconds, uploadsPerSecond: BURST / uploadSeconds };
}

/** The burst section: measures, then returns the printer (so its lines come after the latency table). */
async function runBurst(stack: SpawnedStack): Promise<() => void> {
  const dir = join(ROOT, 'test/fixtures/photos');
  const photos = readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f) && statSync(join(dir, f)).size <= 1_000_000).sort()
    .map((f) => ({ name: f, data: readFileSync(join(dir, f)) }));
  const pollers = Number(process.env.DARKROOM_POLLER_CONCURRENCY ?? availableParallelism());
  const worker = loadManifest().functions.find((fn) => fn.name === 'media-thumbnail')!;
  const concurrency = pollers * (worker.trigger.type === 'sqs' ? worker.trigger.batchSize : 1);
  const endToEnd = await burst(stack, photos);
  const lines: string[] = [];
  const inProcess = await codePathThroughput(Array.from({ length: BURST }, (_, i) => photos[i % photos.length]!), concurrency);
  lines.push(`pipeline burst: ${BURST} uploads queued with the workers paused, then drained:`, `  ${BURST} uploads of ${photos.length} photos up to 1 MB, ${UPLOADS_IN_FLIGHT} uploads in flight, ${pollers} pollers x batch ${concurrency / pollers} = ${concurrency} records at once:`);
  lines.push(`  end to end (stack)       ${endToEnd.perSecond.toFixed(1).padStart(6)} thumbnails/s  (${endToEnd.seconds.toFixed(1)} s to drain the queued burst; the uploads ran at ${endToEnd.uploadsPerSecond.toFixed(1)}/s)`);
  lines.push(`  worker code path (proc)  ${inProcess.toFixed(1).padStart(6)} images/s at ${concurrency} at once`);
  lines.push(`  ratio end to end / code path: ${(endToEnd.perSecond / inProcess).toFixed(2)} (goal >= 0.6)`);
  return () => { for (const line of lines) console.log(line); };
}

async function main(): Promise<void> {
  const stack = await spawnStack({ DARKROOM_WORKERS_PAUSED: '1' });
  process.env.DARKROOM_STACK_FILE = stack.readyFile;
  const { api, newUser, presignedPost } = await import('../../test/support/stack');
  try {
    const burstFigures = await runBurst(stack);
    const user = await newUser('bench');
    console.log(`pipeline latency (local stack, upload end -> thumbnail downloadable), ${RUNS} runs each, median:`);
    for (const name of PHOTOS) {
      const data = readFileSync(join(ROOT, 'test/fixtures/photos', name));
      const latencies: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const created = await api('/images/upload', { token: user.idToken, body: { file_name: name } });
        const status = await presignedPost(created.body.upload, data, name);
        if (status !== 204) throw new Error(`upload failed: ${status}`);
        const uploaded = performance.now();
        for (;;) {
          const response = await api(`/images/download/thumbnail?image_id=${created.body.image_id}`, { token: user.idToken });
          if (response.status === 200) break;
          if (response.status !== 404 || performance.now() - uploaded > 30_000) throw new Error(`thumbnail: ${response.status}`);
          await new Promise((r) => setTimeout(r, 25));
        }
        latencies.push(performance.now() - uploaded);
      }
      latencies.sort((a, b) => a - b);
      console.log(`  ${name.padEnd(32)} ${(data.length / 1e6).toFixed(1)} MB  median ${latencies[Math.floor(latencies.length / 2)]!.toFixed(0)} ms  (runs: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms)`);
    }

    burstFigures();
  } finally {
    await stopStack(stack.pid, stack.dir);
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
