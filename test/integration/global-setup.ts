/**
 * Starts the local stack once per integration run, exactly as `npm start` does (scripts/local/start.ts),
 * on free ports and in a fresh data directory, and tells the tests where it is (DARKROOM_STACK_FILE).
 * Failed SQS records are retried after 1 s instead of the visibility timeout, so retry and DLQ paths
 * take seconds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-it-'));
  const readyFile = join(dir, 'stack.json');
  const logFile = join(dir, 'stack.log');
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DARKROOM_DATA: join(dir, 'data'), PORT: '0', DARKROOM_BASE_PORT: '0', DARKROOM_READY_FILE: readyFile,
      DARKROOM_RETRY_DELAY: '1', NODE_OPTIONS: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', log, log],
    detached: true,
  });
  const started = Date.now();
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`local stack exited with ${child.exitCode}; see ${logFile}`);
    if (Date.now() - started > 120_000) throw new Error(`local stack not ready after 120 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  writeFileSync(join(dir, 'pid'), String(child.pid));
  process.env.DARKROOM_STACK_FILE = readyFile;
  process.env.DARKROOM_STACK_DIR = dir;
  child.unref();
  console.log(`\nlocal stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${logFile})`);
}
