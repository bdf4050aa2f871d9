/**
 * The artefact-mode stack (scripts/local/artefacts.ts) for the `artefacts` jest project: `npm run build`
 * (start.ts builds before it unpacks), then the stack serves the zips from per-function processes. Its
 * endpoints go to DARKROOM_ARTEFACT_STACK_FILE, so they do not replace the source-mode stack's of the
 * integration project when both run in one `jest` (test/artefacts/env.ts picks this one).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnStack } from '../../scripts/local/spawn';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const stack = await spawnStack({ DARKROOM_ARTEFACTS: '1', DARKROOM_RETRY_DELAY: '1' }, 600_000);
  writeFileSync(join(stack.dir, 'pid'), String(stack.pid));
  process.env.DARKROOM_ARTEFACT_STACK_FILE = stack.readyFile;
  process.env.DARKROOM_ARTEFACT_STACK_DIR = stack.dir;
  console.log(`\nartefact-mode stack (build included) up in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${stack.logFile})`);
}
