/** SQS stand-in: fauxqs in a child process (see sqs-child.mts), its messages journaled under `runDir`. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, tsNodeCommand } from './children';
import type { Emulator } from './dynamodb';

/**
 * Starts fauxqs on `host:port`.
 * @param runDir - where its pid file and its message journal (sqs-journal.ts) go; messages journaled
 *   there by an earlier run, even one that was killed, return to their queues when they are created.
 * @throws Error if the child exits or is not ready within 60 s.
 */
export async function startSqs(runDir: string, host: string, port: number, region: string, log: (line: string) => void): Promise<Emulator> {
  mkdirSync(runDir, { recursive: true });
  const { command, args } = tsNodeCommand(join(__dirname, 'sqs-child.mts'));
  const child = spawnChild({
    name: 'sqs',
    command,
    args: [...args, host, String(port), region, runDir],
    pidFile: join(runDir, 'fauxqs.pid'),
    pidMarker: 'sqs-child.mts',
    log,
  });
  await child.waitForLine(/^FAUXQS_READY/);
  return { endpoint: `http://${host}:${port}`, stop: () => child.stop() };
}
