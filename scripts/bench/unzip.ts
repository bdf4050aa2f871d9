/**
 * Unzip benchmark: throughput and peak RSS of the photos service's unpacking code path
 * (functions/photos/lib: openArchive -> inspectArchive -> unpackArchive, i.e. yauzl over the same
 * RangeSource interface the worker uses for S3, inflate-time byte counting, sharp decoding of every
 * entry, storePhoto) on a ~300 MB and a ~1.2 GB archive of the fixture photos.
 *
 * - Archives: the fixture photos repeated, built with yazl in a temp dir, DEFLATED at zlib level 1
 *   (photos barely compress, so level 1 builds fast and the bench still inflates every byte).
 * - Source: a local file through `fileSource` (ranged reads, as `s3Source` does against S3).
 * - Sink: S3 and DynamoDB replaced by stubs that accept and drop the writes, so the figures are the
 *   code path's own (network to S3 is not measured here; the local-stack integration tests cover that).
 * - Each size runs in its own child process, so its peak RSS (sampled every 10 ms) is its own.
 *
 * Run: npx tsx scripts/bench/unzip.ts   (about 1-2 minutes on 2 cores)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

const ROOT = join(__dirname, '../..');
const PHOTOS = join(ROOT, 'test/fixtures/photos');
const MB = 1024 * 1024;

async function buildArchive(path: string, targetBytes: number): Promise<{ entries: number; bytes: number }> {
  const names = readdirSync(PHOTOS).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort();
  const zip = new ZipFile();
  const done = pipeline(zip.outputStream, createWriteStream(path));
  let bytes = 0;
  let entries = 0;
  for (let round = 0; bytes < targetBytes; round++) {
    for (const name of names) {
      if (bytes >= targetBytes) break;
      zip.addFile(join(PHOTOS, name), `roll-${round}/${name}`, { compressionLevel: 1 });
      bytes += statSync(join(PHOTOS, name)).size;
      entries++;
    }
  }
  zip.end();
  await done;
  return { entries, bytes };
}

/** Child: unpack one archive with stubbed S3/DynamoDB and report as JSON on stdout. */
async function runOne(path: string): Promise<void> {
  const { fileSource, openArchive, inspectArchive } = await import('../../functions/photos/lib/zip');
  const { unpackArchive } = await import('../../functions/photos/lib/unzip');
  const { ARCHIVE_LIMITS } = await import('../../functions/photos/lib/limits');
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  const deps = {
    s3: { send: async () => ({}) },
    photos: { create: async () => undefined, delete: async () => undefined },
    originalsBucket: 'bench', thumbnailsBucket: 'bench',
  } as never;
  const started = process.hrtime.bigint();
  const source = fileSource(path);
  const zip = await openArchive(source);
  const plan = await inspectArchive(zip, source.size, ARCHIVE_LIMITS);
  const outcome = await unpackArchive(deps, 'bench-user', zip, plan, {});
  zip.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(JSON.stringify({ seconds, entries: plan.entries.length, landed: outcome.landed.length, skipped: outcome.skipped.length, bytes: plan.totalBytes, archive: source.size, peakRss: peak }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-unzip-bench-'));
  try {
    const results: Array<Record<string, number>> = [];
    // `npm run bench -- --quick`: a tenth of the sizes (the ratio still compares 4x the bytes).
    const sizes = process.env.DARKROOM_BENCH_QUICK === '1' ? [['~30 MB', 30 * MB], ['~120 MB', 120 * MB]] as const : [['~300 MB', 300 * MB], ['~1.2 GB', 1200 * MB]] as const;
    for (const [label, target] of sizes) {
      const path = join(dir, `${label.replace(/\W/g, '')}.zip`);
      const t0 = Date.now();
      const built = await buildArchive(path, target);
      console.log(`built ${label}: ${built.entries} entries, ${(statSync(path).size / MB).toFixed(0)} MiB deflated (level 1) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--run', path], {
        cwd: ROOT, encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_DEV: 'true', POWERTOOLS_TRACE_ENABLED: 'false' }, maxBuffer: 16 * MB,
      });
      if (child.status !== 0) throw new Error(`bench child failed: ${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, number>;
      results.push(r);
      rmSync(path);
      console.log(`unzip ${label}: ${r.entries} entries (${r.landed} landed, ${r.skipped} skipped), ${(r.bytes! / MB).toFixed(0)} MiB in ${r.seconds!.toFixed(1)} s: `
        + `${(r.entries! / r.seconds!).toFixed(1)} entries/s, ${(r.bytes! / MB / r.seconds!).toFixed(1)} MiB/s, peak RSS ${(r.peakRss! / MB).toFixed(0)} MiB`);
    }
    const [small, large] = results as [Record<string, number>, Record<string, number>];
    console.log(`unzip peak RSS ratio (${sizes[1][0]} / ${sizes[0][0]} archive, ${(large.archive! / small.archive!).toFixed(1)}x the bytes): ${(large.peakRss! / small.peakRss!).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--run') {
  runOne(process.argv[3]!).catch((error) => { console.error(error); process.exit(1); });
} else {
  main().catch((error) => { console.error(error); process.exit(1); });
}
