/** Cognito user pools: cognito-local plus our extras, in a child process (see cognito-child.ts). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, tsNodeCommand } from './children';
import type { CognitoChildConfig } from './cognito-child';
import type { Emulator } from './dynamodb';

export interface CognitoEmulator extends Emulator {
  /** The pool and app client from `config.pool` (created on first start, the same ids afterwards). */
  pool: { id: string; clientId: string };
  /** Tokens' `iss` is `<issuerDomain>/<poolId>`. */
  issuerDomain: string;
}

/**
 * Starts cognito-local on `config.port`, data in `config.directory`, and ensures the pool exists.
 * @throws Error if the child exits or is not ready within 60 s.
 */
export async function startCognito(config: CognitoChildConfig, log: (line: string) => void): Promise<CognitoEmulator> {
  mkdirSync(config.directory, { recursive: true });
  const { command, args } = tsNodeCommand(join(__dirname, 'cognito-child.ts'));
  const child = spawnChild({
    name: 'cognito',
    command,
    args,
    env: { ...process.env, DARKROOM_COGNITO_CONFIG: JSON.stringify(config), AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
    pidFile: join(config.directory, 'cognito-local.pid'),
    pidMarker: 'cognito-child.ts',
    log,
  });
  const [, pool = '{}'] = await child.waitForLine(/^COGNITO_READY (.*)$/);
  const endpoint = `http://${config.host}:${config.port}`;
  return { endpoint, issuerDomain: config.issuerDomain ?? endpoint, pool: JSON.parse(pool) as { id: string; clientId: string }, stop: () => child.stop() };
}
