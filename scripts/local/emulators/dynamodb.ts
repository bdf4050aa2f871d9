/** DynamoDB Local (the jar shipped in amplify-dynamodb-simulator) as a child JVM, persisted under dataDir. */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnChild } from './children';
import { answersHttp, waitUntil } from './net';

export interface Emulator { endpoint: string; stop(): Promise<void> }

const EMULATOR_DIR = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');

/**
 * Starts DynamoDB Local with `-sharedDb -dbPath <dir>` on `port` and waits until it answers HTTP.
 * @param dir - directory for its shared-local-instance.db (created if missing).
 * @throws Error if the JVM exits or does not answer within 60 s.
 */
export async function startDynamoDb(dir: string, host: string, port: number, log: (line: string) => void): Promise<Emulator> {
  mkdirSync(dir, { recursive: true });
  const child = spawnChild({
    name: 'dynamodb',
    command: 'java',
    args: [`-Djava.library.path=${join(EMULATOR_DIR, 'DynamoDBLocal_lib')}`, '-jar', 'DynamoDBLocal.jar', '-sharedDb', '-dbPath', dir, '-port', String(port)],
    cwd: EMULATOR_DIR,
    pidFile: join(dir, 'java.pid'),
    pidMarker: 'DynamoDBLocal.jar',
    watchdog: true,
    log,
  });
  const endpoint = `http://${host}:${port}`;
  const exited = new Promise<never>((_, reject) => child.process.once('exit', () => reject(new Error('DynamoDB Local exited during start-up'))));
  exited.catch(() => undefined);
  try {
    await Promise.race([waitUntil('DynamoDB Local', () => answersHttp(endpoint)), exited]);
  } catch (error) {
    await child.stop(0);
    throw error;
  }
  return { endpoint, stop: () => child.stop() };
}
