/**
 * Generation benchmark. Part 1, in process: for every method, images/s through the worker code path
 * (generateOutput: render with the registry, MD5, S3 PutObject, registration in DynamoDB, output record;
 * S3 and DynamoDB answered from memory by aws-sdk-client-mock, so the figure is our code and sharp, not
 * the network) next to the same sharp operations written bare, on the fixture photos resized to 1024 px
 * (longest side, JPEG q90), one image at a time as a worker does, one run; ratio code path / bare printed
 * (goal >= 0.9). The normalising preprocessing methods also measure each image (statistics.ts) in the code
 * path; the bare call only applies the correction.
 * Part 2 (skipped with DARKROOM_BENCH_QUICK=1): a whole augmentation task end to end on the local stack
 * (spawnStack, as `npm start`): a project of the 1024 px photos, 4 methods x 5 images per photo, from
 * /generate/images to FINISH in /generate/task_progress; outputs/s printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, BatchGetCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import sharp, { type Sharp } from 'sharp';
import type { GenerationTask } from '../../functions/datasets/lib/generation';
import { generateOutput } from '../../functions/datasets/lib/generation-worker';
import { METHODS, methodById, decode, measure, renderOutput, seededRandom, type Params } from '../../functions/datasets/lib/methods';
import { metrics } from '@darkroom/runtime';
import { ROOT } from '../manifest';

// The worker counts its outputs (EMF); here the counts would only flood the table.
metrics.addMetric = () => metrics;

const DIR = join(ROOT, 'test/fixtures/photos');
const SIDE = 1024;

type Bare = (input: Buffer, p: Params, size: { width: number; height: number }) => Promise<Buffer>;
const n = (p: Params, k: string) => p[k] as number;
const BLACK = { r: 0, g: 0, b: 0, alpha: 1 };
const jpeg = (image: Sharp) => image.jpeg({ quality: 90 }).toBuffer();
const open = (input: Buffer) => sharp(input, { failOn: 'error', limitInputPixels: 100_000_000 });
const lut = async (input: Buffer, map: (v: number) => number) => {
  const table = Array.from({ length: 256 }, (_, v) => map(v));
  const { data, info } = await open(input).raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i++) data[i] = table[data[i]!]!;
  return jpeg(sharp(data, { raw: info }));
};
const centre = (image: Sharp, from: { width: number; height: number }, to: { width: number; height: number }) => {
  const big = from.width >= to.width;
  return big
    ? image.extract({ left: Math.floor((from.width - to.width) / 2), top: Math.floor((from.height - to.height) / 2), width: to.width, height: to.height })
    : image.extend({ left: Math.floor((to.width - from.width) / 2), right: Math.ceil((to.width - from.width) / 2), top: Math.floor((to.height - from.height) / 2), bottom: Math.ceil((to.height - from.height) / 2), background: BLACK });
};

/** The same sharp operations each method performs, written directly. */
const BARE: Record<string, Bare> = {
  'AUG-000': async (i, p, s) => {
    const { data, info } = await open(i).rotate(n(p, 'angle'), { background: BLACK }).raw().toBuffer({ resolveWithObject: true });
    let image = sharp(data, { raw: info });
    const crop = { left: Math.max(0, Math.floor((info.width - s.width) / 2)), top: Math.max(0, Math.floor((info.height - s.height) / 2)), width: Math.min(s.width, info.width), height: Math.min(s.height, info.height) };
    image = image.extract(crop);
    if (crop.width < s.width || crop.height < s.height) image = image.extend({ left: Math.floor((s.width - crop.width) / 2), right: Math.ceil((s.width - crop.width) / 2), top: Math.floor((s.height - crop.height) / 2), bottom: Math.ceil((s.height - crop.height) / 2), background: BLACK });
    return jpeg(image);
  },
  'AUG-001': (i, p, s) => {
    const size = { width: Math.round(s.width * n(p, 'factor')), height: Math.round(s.height * n(p, 'factor')) };
    return jpeg(centre(open(i).resize(size.width, size.height, { fit: 'fill' }), size, s));
  },
  'AUG-002': (i, p, s) => {
    const [dx, dy] = [Math.round(n(p, 'dx') * s.width), Math.round(n(p, 'dy') * s.height)];
    return jpeg(open(i).extract({ left: Math.max(-dx, 0), top: Math.max(-dy, 0), width: s.width - Math.abs(dx), height: s.height - Math.abs(dy) })
      .extend({ left: Math.max(dx, 0), right: Math.max(-dx, 0), top: Math.max(dy, 0), bottom: Math.max(-dy, 0), background: BLACK }));
  },
  'AUG-003': (i) => jpeg(open(i).flop()),
  'AUG-004': (i) => jpeg(open(i).flip()),
  'AUG-005': (i, p, s) => jpeg(open(i).extract({ left: n(p, 'left'), top: n(p, 'top'), width: n(p, 'width'), height: n(p, 'height') }).resize(s.width, s.height, { fit: 'fill' })),
  'AUG-006': async (i, p) => {
    const { data, info } = await open(i).raw().toBuffer({ resolveWithObject: true });
    const out = Buffer.from(data);
    const [tw, th, c] = [Math.floor(info.width / 3), Math.floor(info.height / 3), info.channels];
    (p.order as number[]).forEach((src, d) => {
      for (let y = 0; y < th; y++) {
        const from = ((Math.floor(src / 3) * th + y) * info.width + (src % 3) * tw) * c;
        data.copy(out, ((Math.floor(d / 3) * th + y) * info.width + (d % 3) * tw) * c, from, from + tw * c);
      }
    });
    return jpeg(sharp(out, { raw: info }));
  },
  'AUG-007': (i, p) => jpeg(open(i).composite([{ input: { create: { width: n(p, 'width') || 1, height: n(p, 'height') || 1, channels: 3, background: BLACK } }, left: n(p, 'left'), top: n(p, 'top') }])),
  'AUG-008': async (i, p) => {
    const { data, info } = await open(i).raw().toBuffer({ resolveWithObject: true });
    const random = seededRandom(`noise:${n(p, 'noise_seed')}`);
    const sigma = Math.sqrt(n(p, 'variance'));
    for (let k = 0; k < data.length; k++) data[k] = Math.max(0, Math.min(255, Math.round(data[k]! + sigma * random.normal())));
    return jpeg(sharp(data, { raw: info }));
  },
  'AUG-009': (i, p) => jpeg(open(i).blur(n(p, 'sigma'))),
  'AUG-010': (i, p) => {
    const [a, l] = [n(p, 'alpha'), n(p, 'lightness')];
    return jpeg(open(i).convolve({ width: 3, height: 3, kernel: [-a, -a, -a, -a, 1 - a + a * (8 + l), -a, -a, -a, -a], scale: 1, offset: 0 }));
  },
  'AUG-011': (i, p) => jpeg(open(i).linear(1, n(p, 'beta') * 255)),
  'AUG-012': (i, p) => jpeg(open(i).modulate({ hue: n(p, 'degrees') })),
  'AUG-013': (i, p) => jpeg(open(i).modulate({ saturation: n(p, 'factor') })),
  'AUG-014': (i, p) => jpeg(open(i).linear(n(p, 'alpha'), 127.5 * (1 - n(p, 'alpha')))),
  'AUG-015': (i, p) => lut(i, (v) => (v >= n(p, 'threshold') ? 255 - v : v)),
  'AUG-016': (i, p) => lut(i, (v) => v & ((0xff << (8 - n(p, 'bits'))) & 0xff)),
  'AUG-017': (i, _, s) => jpeg(open(i).resize(s.width * 2, s.height * 2, { kernel: 'lanczos3', fit: 'fill' }).sharpen({ sigma: 1 })),
  'PRE-000': (i) => jpeg(open(i)),
  'PRE-001': (i) => jpeg(open(i).grayscale().toColourspace('b-w')),
  'PRE-002': (i, p) => jpeg(open(i).linear(n(p, 'gain'), 0)),
  'PRE-003': (i, p) => jpeg(n(p, 'degrees') ? open(i).modulate({ hue: n(p, 'degrees') }) : open(i)),
  'PRE-004': (i, p) => jpeg(open(i).modulate({ saturation: n(p, 'factor') })),
  'PRE-005': (i, p) => jpeg(p.operation === 'sharpen' ? open(i).sharpen({ sigma: n(p, 'sigma') }) : p.operation === 'blur' ? open(i).blur(n(p, 'sigma')) : open(i)),
  'PRE-006': (i, p) => jpeg(open(i).linear(n(p, 'gain'), n(p, 'offset'))),
  'PRE-008': (i, p) => lut(i, (v) => (p.lut as number[])[v]!),
  'PRE-009': (i, _, s) => jpeg(open(i).resize(s.width * 2, s.height * 2, { kernel: 'lanczos3', fit: 'fill' }).sharpen({ sigma: 1 })),
};

/** A task record for the code path (what the plan step stores), with references for the normalising methods. */
function taskFor(id: string, references: GenerationTask['references']): GenerationTask {
  const kind = methodById(id)!.kind;
  return {
    pk: 'TASK#bench', sk: 'TASK', task_id: 'bench', kind: 'generation', identity_id: 'bench-user', project_id: 'bench_0123', project_name: 'bench',
    status: 'RUNNING', done: 0, total: 1, created_time: '', updated_at: '', expires_at: 0, process_type: kind === 'preprocessing' ? 'PREPROCESS' : 'AUGMENT',
    ls_method_id: [id], dropped_method_id: [], data_type: 'ORIGINAL', num_aug_p_img: 1, data_number: [1, 0, 0], seed: 'bench', version: 1,
    source_count: 1, failed: 0, failures: [], reference_images: [], references,
  };
}

async function inProcess(): Promise<Array<{ id: string; ratio: number }>> {
  // `npm run bench -- --quick`: 4 photos instead of all 24.
  const files = readdirSync(DIR).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().slice(0, process.env.DARKROOM_BENCH_QUICK === '1' ? 4 : undefined);
  const photos = await Promise.all(files.map(async (name) => ({
    name: name.replace(/\.\w+$/, '.jpg'),
    data: await sharp(readFileSync(join(DIR, name))).resize(SIDE, SIDE, { fit: 'inside' }).jpeg({ quality: 90 }).toBuffer(),
  })));
  const sizes = await Promise.all(photos.map(async (p) => (await decode(p.data)).frame));
  // References: a mid-range photo's statistics, as the plan step would choose.
  const stats = await measure(sizes[Math.floor(sizes.length / 2)]!);
  const references = Object.fromEntries(METHODS.filter((m) => m.reference).map((m) => [m.method_id, { filename: 'ref.jpg', value: stats[m.reference!], histogram: stats.histogram }]));

  const s3 = mockClient(S3Client);
  const doc = mockClient(DynamoDBDocumentClient);
  s3.on(PutObjectCommand).resolves({});
  doc.on(BatchGetCommand).resolves({ Responses: {} });
  doc.on(TransactWriteCommand).resolves({});
  doc.on(GetCommand).resolves({});
  doc.on(UpdateCommand).resolves({});
  const deps = {
    s3: new S3Client({ region: 'us-east-1' }), bucket: 'bench', queue: { sqs: new SQSClient({ region: 'us-east-1' }), url: 'x' },
    table: { doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), tableName: 'bench' },
  };
  console.log(`generation methods: ${photos.length} fixture photos resized to ${SIDE} px (JPEG q90), one image at a time, one run; sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}`);
  console.log(`  ${'method'.padEnd(32)} ${'bare sharp'.padStart(12)} ${'code path'.padStart(12)}   ratio`);
  const results: Array<{ id: string; ratio: number }> = [];
  for (const method of METHODS) {
    const task = taskFor(method.method_id, references);
    // The code path draws its parameters; the bare call applies the very same ones.
    const params: Params[] = [];
    for (let i = 0; i < photos.length; i++) {
      const plan = await renderOutput(photos[i]!.data, { methods: [method], seed: `bench/${photos[i]!.name}/0`, references });
      params.push(plan.applied[0]!.params);
    }
    await BARE[method.method_id]!(photos[0]!.data, params[0]!, sizes[0]!);
    // Alternate bare and code path image by image, so a load change on the machine hits both alike.
    let [bareSeconds, codeSeconds] = [0, 0];
    for (let i = 0; i < photos.length; i++) {
      let started = performance.now();
      await BARE[method.method_id]!(photos[i]!.data, params[i]!, sizes[i]!);
      bareSeconds += (performance.now() - started) / 1000;
      started = performance.now();
      await generateOutput(deps as never, task, { filename: photos[i]!.name, key: `k/${photos[i]!.name}`, classtype: 'TRAIN', index: 0 }, 0, photos[i]!.data);
      codeSeconds += (performance.now() - started) / 1000;
    }
    const [bare, code] = [photos.length / bareSeconds, photos.length / codeSeconds];
    results.push({ id: method.method_id, ratio: code / bare });
    console.log(`  ${`${method.method_id} ${method.method_name}`.padEnd(32)} ${bare.toFixed(1).padStart(7)} img/s ${code.toFixed(1).padStart(7)} img/s   ${(code / bare).toFixed(2)}`);
  }
  s3.restore(); doc.restore();
  const below = results.filter((r) => r.ratio < 0.9);
  console.log(`  ${results.length - below.length} of ${results.length} methods at ratio >= 0.9${below.length ? `; below: ${below.map((r) => `${r.id} ${r.ratio.toFixed(2)}`).join(', ')}` : ''}`);
  return results;
}

async function endToEnd(): Promise<void> {
  const { spawnStack, stopStack } = await import('../local/spawn');
  const stack = await spawnStack({ DARKROOM_QUIET: '1' });
  process.env.DARKROOM_STACK_FILE = stack.readyFile;
  try {
    const { seedProject, runTask } = await import('../../test/support/datasets-generation');
    const { newUser } = await import('../../test/support/stack');
    const user = await newUser('bench');
    const project = await seedProject(user, { side: SIDE });
    const started = performance.now();
    const done = await runTask(user, { project_id: project.project_id, project_name: project.project_name, ls_method_id: ['AUG-000', 'AUG-003', 'AUG-009', 'AUG-013'], num_aug_p_img: 5, data_number: [project.count, 0, 0] }, 600_000);
    const seconds = (performance.now() - started) / 1000;
    console.log(`augmentation task end to end (local stack): ${project.count} photos x 5 = ${done.number_finished} outputs in ${seconds.toFixed(1)} s = ${(done.number_finished / seconds).toFixed(1)} outputs/s (status ${done.status})`);
  } finally {
    await stopStack(stack.pid, stack.dir);
  }
}

async function main(): Promise<void> {
  await inProcess();
  if (process.env.DARKROOM_BENCH_QUICK !== '1') await endToEnd();
}

if (require.main === module) main().catch((error) => { console.error(error); process.exit(1); });
