/**
 * Stops the local stack started by global-setup.ts and waits for it (and its emulators) to exit; then
 * fails the run if any log line of the stack said `service_undefined` (a function logged or counted
 * without its service name).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stopStack } from '../../scripts/local/spawn';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.DARKROOM_STACK_DIR;
  if (!dir) return;
  const keep = Boolean(process.env.DARKROOM_KEEP_STACK);
  await stopStack(Number(readFileSync(join(dir, 'pid'), 'utf8')), dir, true);
  const log = join(dir, 'stack.log');
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
  if (!keep) rmSync(dir, { recursive: true, force: true });
  const unnamed = lines.flatMap((line, index) => (line.includes('service_undefined') ? [`${index + 1}: ${line.trim()}`] : []));
  if (unnamed.length) {
    throw new Error(`the local stack logged service_undefined ${unnamed.length} time(s) (${log}):\n${unnamed.slice(0, 10).join('\n')}`);
  }
}
