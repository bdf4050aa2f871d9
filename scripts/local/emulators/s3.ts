/** S3 stand-in: s3rver in a child process (see s3-child.ts), persisted under dataDir. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, tsNodeCommand } from './children';
import type { Emulator } from './dynamodb';
import type { S3ChildConfig } from './s3-child';

/**
 * Starts s3rver on `config.port`, creates `config.buckets` (with permissive CORS) and bridges object
 * events to SQS per `config.notifications`.
 * @throws Error if the child exits or is not ready within 60 s.
 */
export async function startS3(config: S3ChildConfig, log: (line: string) => void): Promise<Emulator> {
  mkdirSync(config.directory, { recursive: true });
  const { command, args } = tsNodeCommand(join(__dirname, 's3-child.ts'), ['--openssl-legacy-provider']);
  const child = spawnChild({
    name: 's3',
    command,
    args,
    env: { ...process.env, DARKROOM_S3_CONFIG: JSON.stringify(config) },
    pidFile: join(config.directory, '..', 's3rver.pid'),
    pidMarker: 's3-child.ts',
    log,
  });
  await child.waitForLine(/^S3RVER_READY/);
  return { endpoint: `http://${config.host}:${config.port}`, stop: () => child.stop() };
}
