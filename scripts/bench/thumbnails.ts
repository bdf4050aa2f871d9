/**
 * Thumbnail benchmark: the thumbnail worker's code path (processRecord: S3 GetObject, makeThumbnail,
 * PutObject, the thumbnail event sent; S3 and SQS served from memory by aws-sdk-client-mock, so the figure is our code and
 * sharp, not the network) against bare sharp with the same settings, over the fixture photos
 * (test/fixtures/photos, copied from shared/fixtures), one image at a time as the worker does.
 * Prints images/s and megapixels/s for each (medians over BENCH_ROUNDS interleaved rounds, default 5)
 * and the median per-round ratio code path / bare sharp.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import sharp from 'sharp';
import type { S3EventRecord } from 'aws-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MAX_INPUT_PIXELS, THUMBNAIL_SIZE } from '@darkroom/media';
import { processRecord } from '../../functions/media/lib/pipeline';
import { ROOT } from '../manifest';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DIR = join(ROOT, 'test/fixtures/photos');

/** The median of `values` (the mean of the middle two for an even count). */
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Bare sharp with the worker's settings. */
const bare = (input: Buffer) => sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true, sequentialRead: true })
  .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
  .flatten({ background: '#ffffff' })
  .jpeg({ quality: 80, mozjpeg: true })
  .toBuffer();

function record(key: string, size: number): S3EventRecord {
  return {
    eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: '', eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'x' }, requestParameters: { sourceIPAddress: '127.0.0.1' }, responseElements: { 'x-amz-request-id': 'x', 'x-amz-id-2': 'x' },
    s3: { s3SchemaVersion: '1.0', configurationId: 'x', bucket: { name: 'originals', ownerIdentity: { principalId: 'x' }, arn: 'x' }, object: { key, size, eTag: 'e', sequencer: '1' } },
  };
}

/**
 * The worker's dependencies with S3 and SQS mocked in memory (aws-sdk-client-mock): GetObject answers
 * with `byKey`'s bytes for the key, PutObject succeeds, and every thumbnail event sent is counted
 * (`ready()`, back to 0 with `resetReady()`); `restore()` puts the real clients back.
 * @throws Error (from the SQS send) when an event other than `thumbnail.ready` is sent
 */
function mockedWorker(byKey: Map<string, Buffer>) {
  const s3 = mockClient(S3Client);
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({ Body: sdkStreamMixin(Readable.from([byKey.get(input.Key)!])) }));
  s3.on(PutObjectCommand).resolves({});
  const sqs = mockClient(SQSClient);
  let ready = 0;
  sqs.on(SendMessageCommand).callsFake((input: { MessageBody: string }) => {
    const event = JSON.parse(input.MessageBody) as { type: string; rest: string; reason?: string };
    if (event.type !== 'thumbnail.ready') throw new Error(`${event.rest}: ${event.reason}`);
    ready++;
    return { MessageId: String(ready) };
  });
  const deps = {
    s3: new S3Client({ region: 'us-east-1' }), sqs: new SQSClient({ region: 'us-east-1' }), thumbnailsBucket: 'thumbnails',
    eventQueues: { images: 'thumbnail-events' },
  };
  return {
    deps,
    ready: () => ready,
    resetReady: () => { ready = 0; },
    restore: () => { s3.restore(); sqs.restore(); },
  };
}

/**
 * The worker code path (processRecord) in this process, S3 and SQS mocked in memory as in
 * {@link benchThumbnails}, over `photos` with `concurrency` records processed at once (what the
 * local stack's pollers run: pollers x batch size).
 * @returns images per second
 * @throws Error when a photo does not come out as a ready thumbnail
 */
export async function codePathThroughput(photos: Array<{ name: string; data: Buffer }>, concurrency: number): Promise<number> {
  const byKey = new Map(photos.map((p, i) => [`bench/images/${i}-${p.name}`, p.data]));
  const worker = mockedWorker(byKey);
  const { deps } = worker;
  try {
    const keys = [...byKey.keys()];
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        await processRecord(deps, record(key, byKey.get(key)!.length));
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    if (worker.ready() !== keys.length) throw new Error(`only ${worker.ready()} of ${keys.length} thumbnails recorded`);
    return keys.length / seconds;
  } finally {
    worker.restore();
  }
}

/** Runs the thumbnail benchmark and prints its table. @returns the figures, for the summary */
export async function benchThumbnails(): Promise<{ bare: number; codePath: number; ratio: number }> {
  const photos = readdirSync(DIR).filter((name) => /\.(jpe?g|png|webp)$/i.test(name)).sort()
    .map((name) => ({ name, data: readFileSync(join(DIR, name)) }));
  const megapixels = (await Promise.all(photos.map(async (p) => { const m = await sharp(p.data).metadata(); return (m.width * m.height) / 1e6; })))
    .reduce((a, b) => a + b, 0);
  const byKey = new Map(photos.map((p) => [`bench/images/${p.name}`, p.data]));
  const worker = mockedWorker(byKey);
  const { deps } = worker;

  for (const p of photos.slice(0, 2)) { await bare(p.data); await processRecord(deps, record(`bench/images/${p.name}`, p.data.length)); }

  // Interleaved A B A B: every photo is thumbnailed by bare sharp (A) and by the code path (B) back to
  // back, the order flipping from photo to photo, over ROUNDS rounds; so drift in the machine's load
  // (2 shared cores) touches both alike. Each round gives one ratio (sum of A / sum of B), and the
  // median of those is the figure.
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
  const bareTimes: number[] = [];
  const codeTimes: number[] = [];
  const timed = async (run: () => Promise<unknown>) => { const started = performance.now(); await run(); return (performance.now() - started) / 1000; };
  for (let round = 0; round < rounds; round++) {
    let a = 0;
    let b = 0;
    worker.resetReady();
    for (const [i, p] of photos.entries()) {
      const runA = () => bare(p.data);
      const runB = () => processRecord(deps, record(`bench/images/${p.name}`, p.data.length));
      if ((i + round) % 2 === 0) { a += await timed(runA); b += await timed(runB); } else { b += await timed(runB); a += await timed(runA); }
    }
    if (worker.ready() !== photos.length) throw new Error(`only ${worker.ready()} of ${photos.length} thumbnails recorded`);
    bareTimes.push(a);
    codeTimes.push(b);
  }
  worker.restore();
  const ratios = bareTimes.map((b, i) => b / codeTimes[i]!);
  const bareSeconds = median(bareTimes);
  const codeSeconds = median(codeTimes);

  const result = { bare: photos.length / bareSeconds, codePath: photos.length / codeSeconds, ratio: median(ratios) };
  console.log(`thumbnails: ${photos.length} photos, ${megapixels.toFixed(0)} MP, one at a time, ${rounds} rounds, A (bare sharp) and B (code path) interleaved photo by photo, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}`);
  console.log(`  bare sharp (median) ${result.bare.toFixed(1).padStart(6)} images/s  ${(megapixels / bareSeconds).toFixed(0).padStart(5)} MP/s  (${bareSeconds.toFixed(2)} s)`);
  console.log(`  code path (median)  ${result.codePath.toFixed(1).padStart(6)} images/s  ${(megapixels / codeSeconds).toFixed(0).padStart(5)} MP/s  (${codeSeconds.toFixed(2)} s)`);
  console.log(`  per round (code path / bare sharp throughput): ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
  console.log(`  median ratio code path / bare sharp: ${result.ratio.toFixed(2)}  (range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`);
  return result;
}

if (require.main === module) benchThumbnails().catch((error) => { console.error(error); process.exit(1); });
