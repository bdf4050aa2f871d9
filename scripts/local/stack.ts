/**
 * The emulator half of the local stack: starts every AWS stand-in on 127.0.0.1, provisions the
 * manifest's resources in them (idempotently, data persisted under `dataDir`), and hands back the
 * endpoints, the resolved resource names and the environment a handler needs to reach them.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ensureBucketSeeds, ensureQueues, ensureTables } from './emulators/bootstrap';
import { startCognito } from './emulators/cognito';
import { startCognitoIdentity } from './emulators/cognito-identity';
import { authenticatedPolicy } from './emulators/identity-policy';
import { startDynamoDb, type Emulator } from './emulators/dynamodb';
import { startEc2 } from './emulators/ec2';
import { awsName, entries, loadManifest, MANIFEST_PATH } from '../manifest';
import { pickPorts } from './emulators/net';
import { Outbox, type OutboxMessage } from './emulators/outbox';
import { startS3 } from './emulators/s3';
import { startSes } from './emulators/ses';
import { startSqs } from './emulators/sqs';
import { startFaultFront, type FaultFront } from './faults/proxy';
import { FaultRules, type FaultRule, type FaultService } from './faults/rules';

export type { OutboxMessage } from './emulators/outbox';

export interface StackOptions {
  /** Directory for all emulator data; created if missing, reused (and read back) on the next start. */
  dataDir: string;
  /** Interface everything listens on. Default 127.0.0.1. */
  host?: string;
  /** Ports basePort+0 (s3), +1 (dynamodb), +2 (sqs), +3 (ses), +4 (cognito), +5 (ec2), +6 (cognito identity); 0 (default) = free ports. */
  basePort?: number;
  /** Receives every log line of the emulators. Default: dropped. */
  log?: (line: string) => void;
  /** Manifest to provision from. Default functions/manifest.json. */
  manifestPath?: string;
  /** Fault rules armed once the resources are provisioned (faults/rules.ts). Default none. */
  faults?: FaultRule[];
  /** Seed of the fault injector's random source, for reproducible runs. Default random. */
  faultsSeed?: number;
}

export interface LocalStack {
  endpoints: { s3: string; dynamodb: string; sqs: string; ses: string; cognito: string; ec2: string; cognitoIdentity: string };
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  userPool: { id: string; clientId: string; issuer: string; jwksUri: string };
  /** The identity pool that issues signed-in users' temporary credentials (the S3 front accepts them). */
  identityPool: { id: string };
  /** Manifest references resolved: 'table:images', 'bucket:originals', 'queue:thumbnails', 'queue:thumbnails:dlq', 'userpool:users', ... */
  resources: Record<string, string>;
  /** Environment for a handler process: region, credentials, AWS_ENDPOINT_URL_<SERVICE>, pool ids, DARKROOM_LOCAL=1. */
  env: Record<string, string>;
  /** Every message AWS would have delivered (Cognito codes, SES mail), newest first. */
  outbox(): Promise<OutboxMessage[]>;
  /** The fault injector's live rules, in front of every endpoint above (faults/proxy.ts). */
  faults: FaultRules;
  /** Stops every server and child process. Idempotent. */
  stop(): Promise<void>;
}

/** Services in the order of their published ports (basePort+0, +1, ...). */
const PORT_ORDER = ['s3', 'dynamodb', 'sqs', 'ses', 'cognito', 'ec2'] as const satisfies readonly FaultService[];
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const POOL_CLIENT_NAME = 'darkroom-local';
const MAIL_FROM = 'no-reply@darkroom.local';

/**
 * Waits for every start to settle (so none is left running unseen), records the ones that started
 * as one batch in `started`, and rethrows the first failure.
 */
async function startTogether<T extends readonly Promise<Emulator>[]>(started: Emulator[][], starts: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(starts);
  started.push(results.flatMap((r) => r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((r) => (r as PromiseFulfilledResult<Emulator>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/**
 * Stops emulators batch by batch in reverse start order (S3, which sends its notifications to SQS,
 * before SQS), each batch at once, ignoring ones already stopped.
 */
async function stopAll(batches: Emulator[][]): Promise<void> {
  for (const batch of [...batches].reverse()) await Promise.allSettled(batch.map((e) => e.stop()));
}

/**
 * Starts the emulators and provisions the manifest's tables, buckets, queues (with DLQs and the
 * bucket notifications) and user pool.
 * @returns the running stack; call `stop()` when done.
 * @throws Error if an emulator fails to start (those already started are stopped first).
 */
export async function startStack(opts: StackOptions): Promise<LocalStack> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((): void => undefined);
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const { resources } = loadManifest(opts.manifestPath ?? MANIFEST_PATH);
  // --- fault injection: the published ports belong to the fault fronts (faults/proxy.ts); the
  // emulators listen behind them on free ports.
  const published = await pickPorts(7, opts.basePort ?? 0, host);
  // The Cognito Identity emulator has no fault front: it listens on the seventh published port itself.
  const identityPort = published[6]!;
  const [s3Port, ddbPort, sqsPort, sesPort, cognitoPort, ec2Port] = (await pickPorts(6, 0, host)) as [number, number, number, number, number, number];
  const faults = new FaultRules([], opts.faultsSeed);
  const fronts: FaultFront[] = [];
  const publicUrl = (service: FaultService) => `http://${host}:${published[PORT_ORDER.indexOf(service)]}`;
  // --- end fault injection
  const outbox = new Outbox(join(dataDir, 'outbox.jsonl'));
  const started: Emulator[][] = [];

  try {
    const [ddb, sqs, ses, cognito, ec2] = await startTogether(started, [
      startDynamoDb(join(dataDir, 'dynamodb'), host, ddbPort, log),
      startSqs(join(dataDir, 'sqs'), host, sqsPort, REGION, log),
      startSes(host, sesPort, outbox),
      startCognito({
        directory: join(dataDir, 'cognito'), host, port: cognitoPort, outboxFile: outbox.file, issuerDomain: publicUrl('cognito'),
        pool: { name: awsName('users'), spec: resources.userPools.users!, clientName: POOL_CLIENT_NAME },
      }, log),
      startEc2(join(dataDir, 'ec2.json'), host, ec2Port),
    ] as const);
    const clientConfig = { region: REGION, credentials: CREDENTIALS };
    // --- fault injection: a front on each published port; queues are created through the SQS front,
    // so their URLs (which follow the Host header) name the published endpoint.
    const targets = { s3: `http://${host}:${s3Port}`, dynamodb: ddb.endpoint, sqs: sqs.endpoint, ses: ses.endpoint, cognito: cognito.endpoint, ec2: ec2.endpoint };
    const frontResults = await Promise.allSettled(PORT_ORDER.map((service, i) =>
      startFaultFront(service, faults, host, published[i]!, targets[service])));
    fronts.push(...frontResults.flatMap((r) => r.status === 'fulfilled' ? [r.value] : []));
    const frontFailure = frontResults.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (frontFailure) throw frontFailure.reason;
    const [s3Front, ddbFront, sqsFront, sesFront, cognitoFront, ec2Front] = fronts as [FaultFront, FaultFront, FaultFront, FaultFront, FaultFront, FaultFront];
    // --- end fault injection
    const [queues, tables] = await Promise.all([
      ensureQueues(new SQSClient({ ...clientConfig, endpoint: sqsFront.endpoint }), resources.queues),
      ensureTables(new DynamoDBClient({ ...clientConfig, endpoint: ddb.endpoint }), resources.tables),
    ]);
    const { pool } = cognito;
    const issuer = `${cognito.issuerDomain}/${pool.id}`;
    const userPool = { id: pool.id, clientId: pool.clientId, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
    const [identity] = await startTogether(started, [startCognitoIdentity({
      stateFile: join(dataDir, 'cognito-identity.json'), host, port: identityPort, region: REGION, userPool,
    })] as const);
    const notifications = entries(resources.queues).flatMap(([name, spec]) =>
      spec.source ? [{
        id: `${awsName(name)}-notification`, bucket: awsName(spec.source.bucket), events: spec.source.events,
        prefix: spec.source.prefix, suffix: spec.source.suffix, queueUrl: (queues[name] as { url: string }).url,
      }] : []);
    const [s3] = await startTogether(started, [startS3({
      directory: join(dataDir, 's3'), host, port: s3Port, region: REGION, credentials: CREDENTIALS, sqsEndpoint: sqs.endpoint,
      buckets: entries(resources.buckets).map(([name]) => awsName(name)),
      notifications,
      // Every request is authenticated; identity-pool credentials get the authenticated role's policy.
      authentication: { identityEndpoint: identity.endpoint, identityPolicy: authenticatedPolicy(awsName('datasets')) },
    }, log)] as const);

    const seeded = await ensureBucketSeeds(new S3Client({
      ...clientConfig, endpoint: s3.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    }), resources.buckets);
    if (seeded) log(`[s3] seeded ${seeded} object(s) from the manifest's bucket seed directories`);

    const resolved: Record<string, string> = {
      'userpool:users': pool.id,
      // The hosted-UI token endpoint, as Terraform's oauth_token_url (cognito-local has no hosted UI: Google sign-in is tested with a stand-in server).
      'userpool_domain:users': `${cognito.endpoint}/oauth2/token`,
      'var:mail_from': MAIL_FROM,
      // A fixed key on the local stack, so cursors survive a restart; Terraform makes a random one.
      'var:cursor_secret': 'darkroom-local-cursor-secret-not-for-deployment',
      'ses:identity': '*',
    };
    for (const [name, table] of Object.entries(tables)) resolved[`table:${name}`] = table;
    for (const [name] of entries(resources.buckets)) resolved[`bucket:${name}`] = awsName(name);
    for (const [name, q] of Object.entries(queues)) {
      resolved[`queue:${name}`] = q.url;
      resolved[`queue:${name}:dlq`] = q.dlqUrl;
    }
    const endpoints = { s3: s3Front.endpoint, dynamodb: ddbFront.endpoint, sqs: sqsFront.endpoint, ses: sesFront.endpoint, cognito: cognitoFront.endpoint, ec2: ec2Front.endpoint, cognitoIdentity: identity.endpoint };
    // Faults start only now, so provisioning never meets them.
    faults.add(opts.faults ?? []);
    const env: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito,
      AWS_ENDPOINT_URL_EC2: endpoints.ec2,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY: endpoints.cognitoIdentity,
      IDENTITY_POOL_ID: identity.identityPoolId,
      // s3rver does not validate the CRC checksums newer SDKs add by default.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      USER_POOL_ID: userPool.id,
      USER_POOL_CLIENT_ID: userPool.clientId,
      JWT_ISSUER: userPool.issuer,
      JWKS_URI: userPool.jwksUri,
      DARKROOM_LOCAL: '1',
    };

    let stopping: Promise<void> | undefined;
    return {
      endpoints,
      region: REGION,
      credentials: { ...CREDENTIALS },
      userPool,
      identityPool: { id: identity.identityPoolId },
      resources: resolved,
      env,
      async outbox() {
        await ses.collectMail();
        return outbox.list();
      },
      faults,
      stop: () => (stopping ??= ses.collectMail().catch(() => undefined).then(() => stopAll(started))
        .then(async () => { await Promise.all(fronts.map((f) => f.close())); })),
    };
  } catch (error) {
    await stopAll(started);
    await Promise.all(fronts.map((f) => f.close()));
    throw error;
  }
}
