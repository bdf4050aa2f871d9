/** Stops the local stack started by global-setup.ts and waits for it (and its emulators) to exit. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.DARKROOM_STACK_DIR;
  if (!dir) return;
  const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try { process.kill(pid, 0); } catch { break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  if (!process.env.DARKROOM_KEEP_STACK) rmSync(dir, { recursive: true, force: true });
}
