/**
 * Datasets export benchmark: throughput and peak RSS of the export worker's code path
 * (functions/datasets/lib/export-job.ts `writeZip` with `openObject` sources: S3 GetObject streams, one
 * entry at a time, into archiver (STORE), into a lib-storage multipart Upload of 16 MiB parts) against
 * the local S3 (s3rver behind the stack's front, in its own process), at two sizes: ~280 MB (252
 * images) and 4x that, ~1.1 GB (1,008 images). Next to it, in the same run, archiver writing the same
 * files disk to disk (fs streams, STORE), the floor the export cannot beat without S3 in the way.
 *
 * - Images: the 24 fixture photos (8 KB to 8 MB, 1.1 MB on average), repeated under other keys.
 * - Each measurement runs in its own child process, so its peak RSS (sampled every 10 ms) is its own;
 *   the S3 emulator's memory is not counted (on AWS it is S3's).
 *
 * Run: npx tsx scripts/bench/datasets-export.ts   (about 2-3 minutes on 2 cores; ~3.5 GB of temp disk)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const ROOT = join(__dirname, '../..');
const PHOTOS = join(ROOT, 'test/fixtures/photos');
const MB = 1024 * 1024;
const BUCKET = 'bench-datasets';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** `npm run bench -- --quick`: a tenth of the images (the ratio still compares 4x the bytes). */
const SIZES = process.env.DARKROOM_BENCH_QUICK === '1'
  ? [{ label: '~28 MB', images: 25 }, { label: '~110 MB', images: 100 }] as const
  : [{ label: '~280 MB', images: 252 }, { label: '~1.1 GB', images: 1008 }] as const;

const photoNames = () => readdirSync(PHOTOS).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort();
/** The i-th image of the set: its key in the bucket and its file on disk. */
const image = (i: number) => {
  const names = photoNames();
  const name = names[i % names.length]!;
  return { key: `user/project/roll-${Math.floor(i / names.length)}/${name}`, file: join(PHOTOS, name) };
};

async function s3Client(endpoint: string) {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client({
    region: 'us-east-1', endpoint, credentials: CREDENTIALS, forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

interface Result { seconds: number; entries: number; bytes: number; zipBytes: number; peakRss: number }

function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  return { stop: () => { clearInterval(timer); return Math.max(peak, process.memoryUsage().rss); } };
}

/** Child: the export code path, S3 to S3. */
async function runExportPath(endpoint: string, images: number): Promise<Result> {
  const { openObject, writeZip } = await import('../../functions/datasets/lib/export-job');
  const s3 = await s3Client(endpoint);
  let bytes = 0;
  async function* sources() {
    for (let i = 0; i < images; i++) {
      const { key, file } = image(i);
      bytes += statSync(file).size;
      yield { name: `ORIGINAL/${key.split('/').slice(2).join('/')}`, open: openObject(s3, BUCKET, key) };
    }
  }
  const rss = sampleRss();
  const started = process.hrtime.bigint();
  const result = await writeZip(s3, { bucket: BUCKET, key: `user/project/download/bench-${images}.zip` }, sources());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, entries: result.entries, bytes, zipBytes: result.bytes, peakRss: rss.stop() };
}

/** Child: archiver alone, the same files from disk into a zip file on disk. */
async function runDiskToDisk(out: string, images: number): Promise<Result> {
  const { ZipArchive } = await import('archiver');
  const rss = sampleRss();
  const started = process.hrtime.bigint();
  const archive = new ZipArchive({ store: true });
  const sink = createWriteStream(out);
  const closed = new Promise<void>((resolve, reject) => { sink.on('close', () => resolve()); sink.on('error', reject); archive.on('error', reject); });
  archive.pipe(sink);
  let bytes = 0;
  for (let i = 0; i < images; i++) {
    const { key, file } = image(i);
    bytes += statSync(file).size;
    const taken = new Promise((resolve) => archive.once('entry', resolve));
    archive.append(createReadStream(file) as Readable, { name: `ORIGINAL/${key.split('/').slice(2).join('/')}` });
    await taken;
  }
  await archive.finalize();
  await closed;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, entries: images, bytes, zipBytes: statSync(out).size, peakRss: rss.stop() };
}

function child(args: string[]): Result {
  const run = spawnSync(process.execPath, ['--import', 'tsx', __filename, ...args], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * MB,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_DEV: 'true', POWERTOOLS_TRACE_ENABLED: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (run.status !== 0) throw new Error(`bench child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Result;
}

const describe = (what: string, r: Result) =>
  `${what}: ${r.entries} images, ${(r.bytes / MB).toFixed(0)} MiB in ${r.seconds.toFixed(1)} s: ${(r.bytes / MB / r.seconds).toFixed(1)} MiB/s, `
  + `${(r.entries / r.seconds).toFixed(0)} images/s, zip ${(r.zipBytes / MB).toFixed(0)} MiB, peak RSS ${(r.peakRss / MB).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-export-bench-'));
  const { startS3 } = await import('../local/emulators/s3');
  const { freePort } = await import('../local/emulators/net');
  const port = await freePort();
  const emulator = await startS3({
    directory: join(dir, 's3'), host: '127.0.0.1', port, region: 'us-east-1', credentials: CREDENTIALS,
    sqsEndpoint: 'http://127.0.0.1:9', buckets: [BUCKET], notifications: [],
  }, () => undefined);
  try {
    const s3 = await s3Client(emulator.endpoint);
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const largest = SIZES[SIZES.length - 1]!.images;
    const t0 = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = next++; i < largest; i = next++) {
        const { key, file } = image(i);
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: createReadStream(file), ContentLength: statSync(file).size, ContentType: 'image/jpeg' }));
      }
    }));
    console.log(`stored ${largest} images in the local S3 in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const exports: Result[] = [];
    for (const size of SIZES) {
      const viaS3 = child(['--export', emulator.endpoint, String(size.images)]);
      const out = join(dir, `disk-${size.images}.zip`);
      const disk = child(['--disk', out, String(size.images)]);
      rmSync(out);
      exports.push(viaS3);
      console.log(describe(`export ${size.label} (S3 -> zip -> S3 multipart)`, viaS3));
      console.log(describe(`archiver ${size.label} (disk -> zip -> disk)     `, disk));
      console.log(`export / archiver disk-to-disk throughput at ${size.label}: ${((viaS3.bytes / viaS3.seconds) / (disk.bytes / disk.seconds)).toFixed(2)}`);
    }
    const [small, large] = exports as [Result, Result];
    console.log(`export peak RSS ratio (${SIZES[1].label} / ${SIZES[0].label}, ${(large.bytes / small.bytes).toFixed(1)}x the bytes): ${(large.peakRss / small.peakRss).toFixed(2)} (goal <= 1.2)`);
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, target, count] = process.argv.slice(2);
if (mode === '--export' || mode === '--disk') {
  (mode === '--export' ? runExportPath(target!, Number(count)) : runDiskToDisk(target!, Number(count)))
    .then((result) => process.stdout.write(JSON.stringify(result)))
    .catch((error: unknown) => { console.error(error); process.exit(1); });
} else {
  main().catch((error: unknown) => { console.error(error); process.exit(1); });
}
