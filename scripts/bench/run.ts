/**
 * `npm run bench [-- [--quick] [name...]]`: the benchmarks, each in its own process so one's memory does
 * not colour the next's peak RSS. Names (`thumbnails`, `unzip`, ...; see {@link BENCHES}) pick which run;
 * none runs them all. `--quick` runs small sizes (DARKROOM_BENCH_QUICK=1, BENCH_ROUNDS=1 unless set):
 * a check that each bench works, not figures to quote. Prints each benchmark's figures and how long it
 * took; a failing benchmark fails the run. SIGINT/SIGTERM are passed on to the running benchmark, which
 * stops the local stacks it started (scripts/local/spawn.ts) before this exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../manifest';

/** Every benchmark, in the order `npm run bench` runs them, with its file under scripts/bench/. */
export const BENCHES = ['thumbnails', 'cold-init', 'pipeline', 'api', 'unzip', 'social-free-slots', 'social-calendar', 'chat-fanout', 'datasets-export', 'datasets-generation', 'visual', 's3-identity-upload'] as const;

let running: ChildProcess | undefined;
let stopping: NodeJS.Signals | undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping || !running) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = signal;
    console.error(`\n${signal}: stopping ${running.spawnargs.at(-1)} (it stops its local stacks)`);
    running.kill(signal);
  });
}

function runBench(name: string, env: NodeJS.ProcessEnv): Promise<number> {
  // In a process group of its own, so a signal reaches it once, from us: Ctrl-C and `timeout` signal
  // our group, and a second signal would make it kill its stacks at once instead of stopping them.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench', `${name}.ts`)], { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT, env, detached: true });
  running = child;
  return new Promise((done) => child.once('exit', (code, signal) => { running = undefined; done(code ?? (signal ? 1 : 0)); }));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((arg) => arg !== '--quick').map((arg) => arg.replace(/\.ts$/, ''));
  const unknown = names.filter((name) => !(BENCHES as readonly string[]).includes(name));
  if (unknown.length) {
    console.error(`no benchmark ${unknown.join(', ')}; the benchmarks: ${BENCHES.join(', ')}`);
    process.exit(2);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(quick && { DARKROOM_BENCH_QUICK: '1', BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '1' }),
  };
  const took: string[] = [];
  for (const name of names.length ? names : BENCHES) {
    const started = Date.now();
    const status = await runBench(name, env);
    if (stopping) process.exit(stopping === 'SIGINT' ? 130 : 143);
    if (status !== 0) process.exit(status);
    took.push(`${name} ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log('');
  }
  console.log(`took: ${took.join(', ')}${quick ? ' (--quick)' : ''}`);
}

void main();
