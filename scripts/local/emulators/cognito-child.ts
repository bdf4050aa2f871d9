/**
 * Child process running cognito-local. It runs apart because cognito-local loads otplib, whose
 * @scure/base is ESM: plain Node 20.19 can require it, jest's module runtime cannot. Codes go
 * straight into the outbox file, which the parent reads. Config arrives as JSON in
 * DARKROOM_COGNITO_CONFIG; once the pool exists it prints `COGNITO_READY <pool JSON>`.
 */
import { exitWithParent } from './children';
import { startCognito } from './cognito-server';
import type { UserPoolSpec } from '../../manifest';
import { Outbox } from './outbox';

export interface CognitoChildConfig {
  directory: string;
  host: string;
  port: number;
  outboxFile: string;
  /** Tokens' issuer base when clients reach Cognito at another endpoint (the fault front); default this server. */
  issuerDomain?: string;
  pool: { name: string; spec: UserPoolSpec; clientName: string };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.DARKROOM_COGNITO_CONFIG ?? '{}') as CognitoChildConfig;
  const server = await startCognito(config.directory, config.host, config.port, new Outbox(config.outboxFile), (line) => console.log(line), config.issuerDomain);
  const pool = await server.ensurePool(config.pool.name, config.pool.spec, config.pool.clientName);
  exitWithParent(() => server.stop());
  console.log(`COGNITO_READY ${JSON.stringify(pool)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
