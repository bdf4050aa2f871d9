/**
 * Child process handling for the emulators that must run outside this process (DynamoDB Local's JVM,
 * s3rver with the OpenSSL legacy provider, fauxqs which is ESM-only). Every child is registered so
 * that it is killed on stop and on exit, and on SIGINT/SIGTERM when no one else handles the signal
 * (start.ts does: it stops the stack in order and only then the children); its pid is written to a
 * pid file so a child orphaned by a SIGKILLed parent is reaped on the next start.
 *
 * Each child runs in its own session and process group (spawn `detached`), so the SIGINT a terminal
 * sends to its foreground group on Ctrl-C reaches only the parent, which stops the children in order.
 * A child still dies with its parent: the parent holds the child's stdin pipe, which the kernel
 * closes when the parent exits in any way (SIGKILL included); the Node children exit on its end
 * (exitWithParent), and a command that cannot watch it (the JVM) runs under watchdog.cjs, which does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();
let hooksInstalled = false;

/** SIGKILLs every child still running (the forced way out: a second Ctrl-C, or exit). */
export function killChildren(): void {
  for (const child of live) killGroup(child.pid, 'SIGKILL');
  live.clear();
}

/** Signals the process group a detached child leads (the child and anything it started). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A process that handles the signal itself stops its children in its own order (start.ts:
      // the HTTP API and the pollers first, while the emulators still answer). Otherwise, take over
      // the default behaviour: kill the children and exit.
      if (process.listenerCount(signal) > 1) return;
      killChildren();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export interface ChildOptions {
  /** Label used in log lines. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the pid is written; a live process named there (with `pidMarker` in its command line) is killed first. */
  pidFile: string;
  /** Substring of /proc/<pid>/cmdline proving a stale pid is ours. */
  pidMarker: string;
  /**
   * Run the command under watchdog.cjs, which stops it when this process dies; for a command that does
   * not exit by itself when its stdin closes (the Node children do: exitWithParent).
   */
  watchdog?: boolean;
  log: (line: string) => void;
}

export interface Child {
  readonly process: ChildProcess;
  /**
   * Resolves with the first output line matching `pattern`.
   * @throws Error (after killing the child) if it exits first or `timeoutMs` passes.
   */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Kills the process named in `pidFile` (and its process group) if it is still running and its command
 * line contains `marker`, and waits up to 5 s until it is gone. Nothing happens without a pid file or
 * when the pid is not ours.
 */
export function reapStale(pidFile: string, marker: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!(pid > 0 && cmdline.includes(marker))) return;
  } catch {
    return; // no pid file, or the process is gone: nothing to reap
  }
  // The stale child led its own process group: kill what it started too, and wait (up to 5 s) until
  // it is gone, so its port is free for the new child.
  killGroup(pid, 'SIGKILL');
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(procStatus(pid))) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

const procStatus = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
};

/**
 * Spawns a child with piped stdout/stderr (forwarded to `log` line by line) and registers it for cleanup.
 * @returns a handle to wait for readiness lines and to stop it.
 */
export function spawnChild(opts: ChildOptions): Child {
  installExitHooks();
  reapStale(opts.pidFile, opts.pidMarker);
  const [command, args] = opts.watchdog ? [process.execPath, [join(__dirname, 'watchdog.cjs'), opts.command, ...opts.args]] : [opts.command, opts.args];
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  live.add(child);
  if (child.pid) writeFileSync(opts.pidFile, String(child.pid));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    live.delete(child);
    rmSync(opts.pidFile, { force: true });
    opts.log(`[${opts.name}] exited (${signal ?? code})`);
  });
  const lineWaiters = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      opts.log(`[${opts.name}] ${line}`);
      for (const waiter of lineWaiters) waiter(line);
    });
  }
  return {
    process: child,
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${opts.name}: no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        const onExit = (): void => done(new Error(`${opts.name} exited before it was ready`));
        const waiter = (line: string): void => {
          const match = line.match(pattern);
          if (match) done(undefined, match);
        };
        function done(error?: Error, match?: RegExpMatchArray): void {
          clearTimeout(timer);
          lineWaiters.delete(waiter);
          child.off('exit', onExit);
          if (error) {
            killGroup(child.pid, 'SIGKILL');
            reject(error);
          } else resolve(match as RegExpMatchArray);
        }
        lineWaiters.add(waiter);
        child.once('exit', onExit);
      });
    },
    async stop(graceMs = 3_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Command line that runs a TypeScript file in a plain `node` child through tsx's loader (one process,
 * so signals reach it directly).
 * @param nodeFlags - extra node flags, e.g. `--openssl-legacy-provider`.
 */
export function tsNodeCommand(file: string, nodeFlags: string[] = []): { command: string; args: string[] } {
  const loader = require.resolve('tsx');
  return { command: process.execPath, args: [...nodeFlags, '--import', `file://${loader}`, file] };
}

/** Exits this (child) process when its parent goes away: the parent holds our stdin pipe open. */
export function exitWithParent(cleanup: () => Promise<void> | void): void {
  const quit = async (): Promise<void> => {
    await cleanup();
    process.exit(0);
  };
  process.stdin.on('end', () => void quit());
  process.stdin.on('error', () => void quit());
  process.stdin.resume();
  process.on('SIGTERM', () => void quit());
  process.on('SIGINT', () => void quit());
}
