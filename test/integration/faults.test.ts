/**
 * Fault injection through a running stack (its own, so no other test meets the faults): rules from
 * DARKROOM_FAULTS at start and from /_local/faults at run time reach the SDK at the stack's published
 * endpoints, as the AWS errors they stand for, retried by the SDK and counted per rule.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { spawnStack, stopStack, type SpawnedStack } from '../../scripts/local/spawn';
import { clientsFor } from '../support/stack';

let own: SpawnedStack;
beforeAll(async () => {
  own = await spawnStack({ DARKROOM_QUIET: '1', DARKROOM_SCHEDULES: 'off', DARKROOM_FAULTS: 's3:unavailable:1:PutObject', DARKROOM_FAULTS_SEED: '1' }, 180_000);
}, 200_000);
afterAll(async () => { if (own) await stopStack(own.pid, own.dir); });

const faults = async (method = 'GET', body?: string) => {
  const response = await fetch(`${own.ready.api}/_local/faults`, { method, body });
  return { status: response.status, body: await response.json() as { rules?: Array<{ rule: string; injected: number }>; message?: string } };
};
const clients = () => clientsFor({
  region: own.ready.env.AWS_REGION!, endpoints: own.ready,
  credentials: { accessKeyId: own.ready.env.AWS_ACCESS_KEY_ID!, secretAccessKey: own.ready.env.AWS_SECRET_ACCESS_KEY! },
});

test('a rule from DARKROOM_FAULTS faults S3 at its published endpoint: 503 SlowDown, retried by the SDK, counted', async () => {
  const { s3 } = clients();
  const error = await s3.send(new PutObjectCommand({ Bucket: own.ready.resources['bucket:originals'], Key: 'x', Body: 'x' })).then(() => 'stored', (e: unknown) => e);
  expect(error).toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503, attempts: 3 } });
  expect((await faults()).body.rules).toEqual([expect.objectContaining({ rule: 's3:unavailable:1:PutObject', injected: 3 })]);
});

test('rules added at run time apply from the next request; DELETE clears them; a bad rule is a 400 naming it', async () => {
  const { dynamo } = clients();
  await expect(dynamo.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: expect.any(Array) as unknown[] });
  expect((await faults('POST', 'dynamodb:throttle:1:ListTables')).status).toBe(200);
  const error = await dynamo.send(new ListTablesCommand({})).then(() => ({ name: 'none', $metadata: { attempts: 0 } }), (e: unknown) => e as { name: string; $metadata: { attempts: number } });
  // The SDK's DynamoDB default is more attempts than other services'; each one met the rule.
  expect(error.name).toBe('ProvisionedThroughputExceededException');
  expect(error.$metadata.attempts).toBeGreaterThanOrEqual(3);
  expect((await faults()).body.rules?.map((r) => [r.rule, r.injected])).toEqual([['s3:unavailable:1:PutObject', 3], ['dynamodb:throttle:1:ListTables', error.$metadata.attempts]]);
  expect(await faults('POST', 'sqs:internal:0.5:send-message')).toEqual({ status: 400, body: { message: expect.stringContaining("operation 'send-message'") as string } });
  expect((await faults('DELETE')).body).toEqual({ removed: 2, rules: [] });
  await expect(dynamo.send(new ListTablesCommand({}))).resolves.toBeDefined();
});

test('queue URLs name the published SQS endpoint, so handlers\' SQS calls pass the injector too', () => {
  expect(new URL(own.ready.resources['queue:thumbnails']!).origin).toBe(own.ready.sqs);
  expect(own.ready.userPool.issuer.startsWith(own.ready.cognito)).toBe(true);
});

test('a bad DARKROOM_FAULTS stops the start with a message naming the bad part', async () => {
  const failed = await spawnStack({ DARKROOM_FAULTS: 'dynamodb:throttle:0.1,s3:slow:0.1' }, 60_000).catch((error: Error) => error);
  expect(failed).toBeInstanceOf(Error);
  const log = /see (\S+)$/.exec((failed as Error).message)?.[1];
  try {
    expect(readFileSync(log!, 'utf8')).toContain("DARKROOM_FAULTS: fault rule 's3:slow:0.1': unknown error 'slow'");
  } finally {
    rmSync(dirname(log!), { recursive: true, force: true });
  }
});
