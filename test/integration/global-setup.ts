/**
 * Starts the local stack once per integration run, exactly as `npm start` does (scripts/local/spawn.ts),
 * on free ports and in a fresh data directory, and tells the tests where it is (DARKROOM_STACK_FILE).
 * Failed SQS records are retried after 1 s instead of the visibility timeout, so retry and DLQ paths
 * take seconds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnStack } from '../../scripts/local/spawn';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const stack = await spawnStack({ DARKROOM_RETRY_DELAY: '1' });
  writeFileSync(join(stack.dir, 'pid'), String(stack.pid));
  process.env.DARKROOM_STACK_FILE = stack.readyFile;
  process.env.DARKROOM_SOURCE_STACK_FILE = stack.readyFile;
  process.env.DARKROOM_STACK_DIR = stack.dir;
  console.log(`\nlocal stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${stack.logFile})`);
}
