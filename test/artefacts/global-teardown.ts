/** Stops the artefact-mode stack global-setup.ts started. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopStack } from '../../scripts/local/spawn';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.DARKROOM_ARTEFACT_STACK_DIR;
  if (!dir) return;
  await stopStack(Number(readFileSync(join(dir, 'pid'), 'utf8')), dir, Boolean(process.env.DARKROOM_KEEP_STACK));
}
