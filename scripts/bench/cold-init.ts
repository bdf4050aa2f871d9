/**
 * Cold-init benchmark: each function's zip (dist/, built first when missing) unpacked in artefact
 * layout with its layers (scripts/local/artefacts.ts) and loaded in a fresh Node process by the
 * artefact bootstrap, as Lambda starts an execution environment: the time from spawn to
 * "handler ready" against `node -e 0` spawned in the same run, interleaved (floor, function, floor,
 * function...) over BENCH_ROUNDS rounds (default 5). Prints, per function, the median init above the
 * floor in ms and the zip's size; the goal is <= 60 ms above the floor for every function. Measured as
 * without and with `--enable-source-maps` (what Terraform's `source_maps`, default true, sets on Lambda,
 * and what artefact mode uses locally).
 * Functions read their configuration at load, so each gets its manifest environment with stand-in
 * names (nothing is called during init).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { artefactEnvironment, buildArtefacts, prepareArtefacts } from '../local/artefacts';
import { awsName, functionEnvironment, layersOf, loadManifest, ROOT, type FunctionSpec } from '../manifest';

const GOAL_MS = 60;
const DIST = join(ROOT, 'dist');

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Stand-in values for manifest references, as the unit tests use (nothing is reached at init). */
const fake = (reference: string): string => {
  const [kind, name] = reference.split(':');
  if (kind === 'queue') return `https://sqs.us-east-1.amazonaws.com/000000000000/darkroom-${name}`;
  if (kind === 'userpool_domain') return `https://darkroom-${name}.auth.us-east-1.amazoncognito.com/oauth2/token`;
  if (kind === 'userpool') return 'us-east-1_BenchPool1';
  if (kind === 'var') return `${name}@darkroom.test`;
  return awsName(name!);
};

/** ms from spawn to exit of `node -e 0`. */
function floor(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } })
      .on('exit', () => resolve(performance.now() - started)).on('error', reject);
  });
}

/** ms from spawn to the bootstrap's "ready" (handler module loaded). @throws Error when init fails */
function coldInit(fn: FunctionSpec, env: Record<string, string>, bootstrap: string, cwd: string, sourceMaps: boolean): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(sourceMaps ? ['--enable-source-maps'] : []), bootstrap], { cwd, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('message', (message: { type: string; error?: { message: string } }) => {
      const elapsed = performance.now() - started;
      child.kill('SIGKILL');
      if (message.type === 'ready') resolve(elapsed);
      else reject(new Error(`${fn.name} failed at init: ${message.error?.message}\n${stderr}`));
    });
    child.on('error', reject);
  });
}

async function main(): Promise<void> {
  const all = loadManifest().functions;
  // `npm run bench -- --quick`: the first function of each service, built alone if its zip is missing.
  const quick = process.env.DARKROOM_BENCH_QUICK === '1';
  const functions = quick ? all.filter((fn, i) => all.findIndex((other) => other.name.split('-')[0] === fn.name.split('-')[0]) === i) : all;
  const missing = functions.filter((fn) => !existsSync(join(DIST, 'functions', `${fn.name}.zip`)));
  if (missing.length || process.env.BENCH_BUILD === '1') {
    console.log('cold init: building the zips first');
    await buildArtefacts((line) => console.log(line), undefined, quick ? missing.map((fn) => fn.name) : []);
  }
  const layout = await prepareArtefacts(functions, DIST);
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
  const shared = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', USER_POOL_ID: 'us-east-1_BenchPool1', USER_POOL_CLIENT_ID: 'benchclient', IDENTITY_POOL_ID: 'us-east-1:00000000-0000-0000-0000-000000000000' };
  const floors: number[] = [];
  const rows: Array<{ fn: FunctionSpec; init: number; mapped: number; zip: number }> = [];
  try {
    for (const fn of functions) {
      const env = artefactEnvironment(fn, layout, { ...shared, ...functionEnvironment(fn, fake, shared) });
      const inits: number[] = [];
      const mapped: number[] = [];
      for (let round = 0; round < rounds; round++) {
        floors.push(await floor());
        inits.push(await coldInit(fn, env, layout.bootstrap, layout.task(fn), false));
        floors.push(await floor());
        mapped.push(await coldInit(fn, env, layout.bootstrap, layout.task(fn), true));
      }
      rows.push({ fn, init: median(inits), mapped: median(mapped), zip: statSync(join(DIST, 'functions', `${fn.name}.zip`)).size });
    }
  } finally {
    const { rmSync } = await import('node:fs');
    rmSync(layout.root, { recursive: true, force: true });
  }
  const base = median(floors);
  console.log(`cold init: each zip in artefact layout, fresh process, median of ${rounds} interleaved rounds; floor (node -e 0) ${base.toFixed(0)} ms, Node ${process.version}`);
  console.log(`  ${'function'.padEnd(48)} ${'no maps'.padStart(11)} ${'as deployed'.padStart(11)}  ${'zip'.padStart(8)}  layers`);
  for (const { fn, init, mapped, zip } of rows) {
    // The goal is judged as deployed: Terraform's source_maps defaults to true.
    const above = mapped - base;
    console.log(`  ${fn.name.padEnd(48)} ${`${(init - base).toFixed(0)} ms`.padStart(11)} ${`${above.toFixed(0)} ms`.padStart(11)}  ${`${(zip / 1024).toFixed(0)} KiB`.padStart(8)}  ${layersOf(fn).join(', ') || '-'}${above > GOAL_MS ? `   over the ${GOAL_MS} ms goal` : ''}`);
  }
  const over = rows.filter((r) => r.mapped - base > GOAL_MS).length;
  console.log(`  as deployed (--enable-source-maps): ${rows.length - over} of ${rows.length} functions within ${GOAL_MS} ms of the floor; median above the floor ${median(rows.map((r) => r.mapped - base)).toFixed(0)} ms (without maps ${median(rows.map((r) => r.init - base)).toFixed(0)} ms)`);
}

if (require.main === module) main().catch((error) => { console.error(error); process.exit(1); });
