/**
 * Starts `scripts/local/start.ts` (what `npm start` runs) as a child process on free ports in a fresh
 * data directory, and waits until it is ready. Used by the integration tests' global setup and by the
 * benchmarks that measure the pipeline end to end.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../manifest';

/** What start.ts writes to DARKROOM_READY_FILE once everything listens. */
export interface ReadyStack {
  api: string;
  outbox: string;
  /** `GET` it for the functions' metrics (metrics.ts). */
  metrics: string;
  /** `artefacts` when the stack runs the built zips (artefacts.ts), else `source`. */
  mode: 'source' | 'artefacts';
  /** The chat's WebSocket API (`ws://127.0.0.1:<port>/local`), served by websocket-gateway.ts. */
  websocket?: string;
  s3: string; dynamodb: string; sqs: string; ses: string; cognito: string; ec2: string;
  userPool: { id: string; clientId: string; issuer: string; jwksUri: string };
  resources: Record<string, string>;
  env: Record<string, string>;
}

export interface SpawnedStack {
  dir: string;
  /**
   * The pid of `npm start`'s entry (supervise.cjs), also its process group, as a terminal's foreground
   * group: signals to it reach start.ts, which runs in a group of its own, as each emulator does.
   */
  pid: number;
  readyFile: string;
  logFile: string;
  ready: ReadyStack;
  /** Resolves with the stack's exit code (null when a signal ended it) once it has exited. */
  exited: Promise<number | null>;
}

/** Stacks this process spawned and has not stopped: pid -> directory. */
const live = new Map<number, string>();
/** Stops in progress, by pid (a signal during a stop waits for it instead of cutting it short). */
const stopping = new Map<number, Promise<void>>();
let hooksInstalled = false;

/**
 * A spawned stack runs in its own process group (so a terminal's Ctrl-C reaches it only through us):
 * on SIGINT/SIGTERM this process stops the stacks it started (in order, as {@link stopStack}) and then
 * exits 130/143, and on exit it SIGKILLs any still running (and removes its directory), so a benchmark killed by `timeout` or
 * Ctrl-C leaves no stack behind. A second signal kills them at once.
 */
function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = () => {
    for (const [pid, dir] of live) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.on('exit', killAll);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      const code = signal === 'SIGINT' ? 130 : 143;
      if (stopping || !live.size) { killAll(); process.exit(code); }
      stopping = true;
      console.error(`\n${signal}: stopping the local stack(s) this process started`);
      void Promise.all([...live].map(([pid, dir]) => stopStack(pid, dir))).finally(() => process.exit(code));
    });
  }
}

/**
 * @param env - extra environment for the stack (e.g. DARKROOM_RETRY_DELAY; PORT and DARKROOM_BASE_PORT
 *   to keep the same endpoints across restarts)
 * @param dir - directory of an earlier stack to start again on its data (default: a fresh temp directory)
 * @throws Error when the stack exits or is not ready within `timeoutMs` (default 120 s), naming its log
 */
export async function spawnStack(env: Record<string, string> = {}, timeoutMs = 120_000, dir = mkdtempSync(join(tmpdir(), 'darkroom-stack-'))): Promise<SpawnedStack> {
  const readyFile = join(dir, 'stack.json');
  const logFile = join(dir, 'stack.log');
  rmSync(readyFile, { force: true });
  const log = openSync(logFile, 'a');
  // As `npm start`: supervise.cjs runs start.ts in a process group of its own.
  const child = spawn(process.execPath, ['scripts/local/supervise.cjs'], {
    cwd: ROOT,
    env: {
      ...process.env, DARKROOM_DATA: join(dir, 'data'), PORT: '0', DARKROOM_BASE_PORT: '0', DARKROOM_READY_FILE: readyFile,
      NODE_OPTIONS: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env,
    },
    stdio: ['ignore', log, log],
    detached: true,
  });
  installHooks();
  live.set(child.pid!, dir);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const started = Date.now();
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null) { live.delete(child.pid!); throw new Error(`local stack exited with ${child.exitCode}; see ${logFile}`); }
    if (Date.now() - started > timeoutMs) { await stopStack(child.pid!, dir, true); throw new Error(`local stack not ready after ${timeoutMs / 1000} s; see ${logFile}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.unref();
  return { dir, pid: child.pid!, readyFile, logFile, exited, ready: JSON.parse(readFileSync(readyFile, 'utf8')) as ReadyStack };
}

/**
 * Stops a spawned stack (SIGTERM: start.ts stops its emulators), waits up to 20 s, then kills what is
 * left of its process group, and removes its directory unless `keep`.
 */
export function stopStack(pid: number, dir: string, keep = false): Promise<void> {
  let stopped = stopping.get(pid);
  if (!stopped) {
    stopped = stopGroup(pid, dir, keep).finally(() => { live.delete(pid); stopping.delete(pid); });
    stopping.set(pid, stopped);
  }
  return stopped;
}

async function stopGroup(pid: number, dir: string, keep: boolean): Promise<void> {
  try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try { process.kill(pid, 0); } catch { break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
