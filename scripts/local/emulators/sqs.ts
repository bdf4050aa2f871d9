/** SQS stand-in: fauxqs in a child process (see sqs-child.mts). In memory only. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, tsNodeCommand } from './children';
import type { Emulator } from './dynamodb';

/**
 * Starts fauxqs on `host:port`.
 * @param runDir - where its pid file goes.
 * @throws Error if the child exits or is not ready within 60 s.
 */
export async function startSqs(runDir: string, host: string, port: number, region: string, log: (line: string) => void): Promise<Emulator> {
  mkdirSync(runDir, { recursive: true });
  const { command, args } = tsNodeCommand(join(__dirname, 'sqs-child.mts'));
  const child = spawnChild({
    name: 'sqs',
    command,
    args: [...args, host, String(port), region],
    pidFile: join(runDir, 'fauxqs.pid'),
    pidMarker: 'sqs-child.mts',
    log,
  });
  await child.waitForLine(/^FAUXQS_READY/);
  return { endpoint: `http://${host}:${port}`, stop: () => child.stop() };
}
