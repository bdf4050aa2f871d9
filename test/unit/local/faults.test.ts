/**
 * The fault injector against the real SDK clients: each client talks to a stand-in emulator through
 * the injector's front (faults/proxy.ts), and a fault must come out of the SDK as the AWS error it
 * stands for, classified (throttling, server error or neither, as the SDK's standard retry strategy
 * decides) and retried as the SDK does on AWS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand, type TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import { faultsRoute, readFaultRequest, startFaultFront, type FaultFront } from '../../../scripts/local/faults/proxy';
import { faultOptionsFromEnvironment, FaultRules, parseFaultRules, type FaultService } from '../../../scripts/local/faults/rules';

/** A stand-in emulator answering every request with a fixed body, counting what reaches it. */
let emulator: Server;
let emulatorUrl: string;
let reached = 0;
beforeAll(async () => {
  emulator = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      reached += 1;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-request-id': 'ok' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => emulator.listen(0, '127.0.0.1', () => resolve()));
  emulatorUrl = `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => emulator.close(() => resolve())));

const fronts: FaultFront[] = [];
afterEach(async () => { await Promise.all(fronts.splice(0).map((front) => front.close())); });

/** A front for `service` with `rules` (seeded), in front of the stand-in emulator. */
async function front(service: FaultService, rules: string): Promise<{ endpoint: string; rules: FaultRules }> {
  const set = new FaultRules(parseFaultRules(rules), 1);
  const started = await startFaultFront(service, set, '127.0.0.1', 0, emulatorUrl);
  fronts.push(started);
  return { endpoint: started.endpoint, rules: set };
}

/** Client options: 3 attempts without waits between them, so retries are counted but take no time. */
const client = (endpoint: string) => ({
  endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  retryStrategy: new ConfiguredRetryStrategy(3, () => 0),
});

/** How the SDK's standard retry strategy classifies an error (@smithy/service-error-classification). */
const throttling = (error: unknown) => isThrottlingError(error as never);

const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected the call to fail'); }, (error: unknown) => error as {
  name: string; message: string; $fault: string; $metadata: { httpStatusCode?: number; attempts?: number };
});

describe('DynamoDB (awsJson1_0)', () => {
  test('a throttle is ProvisionedThroughputExceededException, retryable as throttling, tried 3 times', async () => {
    const { endpoint, rules } = await front('dynamodb', 'dynamodb:throttle:1:GetItem');
    const ddb = new DynamoDBClient(client(endpoint));
    const error = await failure(ddb.send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'a' } } })));
    expect([error.name, error.$fault, throttling(error), error.$metadata.httpStatusCode, error.$metadata.attempts])
      .toEqual(['ProvisionedThroughputExceededException', 'client', true, 400, 3]);
    expect(rules.list()).toMatchObject([{ rule: 'dynamodb:throttle:1:GetItem', injected: 3 }]);
    // The rule names GetItem: another operation passes through to the emulator.
    const before = reached;
    await ddb.send(new PutItemCommand({ TableName: 't', Item: { id: { S: 'a' } } }));
    expect(reached).toBe(before + 1);
  });

  test('a conflict on TransactWriteItems is TransactionCanceledException with one reason per item, not retried', async () => {
    const { endpoint } = await front('dynamodb', 'dynamodb:conflict:1');
    const ddb = new DynamoDBClient(client(endpoint));
    const put = (id: string) => ({ Put: { TableName: 't', Item: { id: { S: id } } } });
    const error = await failure(ddb.send(new TransactWriteItemsCommand({ TransactItems: [put('a'), put('b'), put('c')] })));
    expect([error.name, throttling(error), isTransientError(error as never), error.$metadata.attempts]).toEqual(['TransactionCanceledException', false, false, 1]);
    expect((error as unknown as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['TransactionConflict', 'None', 'None']);
    expect(error.message).toContain('[TransactionConflict, None, None]');
  });

  test('a conflict on a single-item write is TransactionConflictException; reads are not hit', async () => {
    const { endpoint } = await front('dynamodb', 'dynamodb:conflict:1');
    const ddb = new DynamoDBClient(client(endpoint));
    const error = await failure(ddb.send(new PutItemCommand({ TableName: 't', Item: { id: { S: 'a' } } })));
    expect(error.name).toBe('TransactionConflictException');
    await expect(ddb.send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'a' } } }))).resolves.toBeDefined();
  });

  test('internal is a 500 InternalServerError and unavailable a 503 ServiceUnavailable, both retried as transient', async () => {
    for (const [rule, name, status] of [['dynamodb:internal:1', 'InternalServerError', 500], ['dynamodb:unavailable:1', 'ServiceUnavailable', 503]] as const) {
      const { endpoint } = await front('dynamodb', rule);
      const error = await failure(new DynamoDBClient(client(endpoint)).send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'a' } } })));
      expect([error.name, error.$fault, isTransientError(error as never), error.$metadata.httpStatusCode, error.$metadata.attempts]).toEqual([name, 'server', true, status, 3]);
    }
  });

  test('latency delays the request and then passes it on', async () => {
    const { endpoint, rules } = await front('dynamodb', 'dynamodb:latency:20:1');
    await expect(new DynamoDBClient(client(endpoint)).send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'a' } } }))).resolves.toBeDefined();
    expect(rules.list()[0]?.injected).toBe(1);
  });
});

test('SQS (JSON protocol, query-compatible): a throttle is RequestThrottled, retried as throttling; internal is InternalFailure', async () => {
  const throttled = await front('sqs', 'sqs:throttle:1:SendMessage');
  const send = (endpoint: string) => failure(new SQSClient(client(endpoint)).send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/q`, MessageBody: 'x' })));
  const error = await send(throttled.endpoint);
  expect([error.name, throttling(error), error.$metadata.attempts]).toEqual(['RequestThrottled', true, 3]);
  const internal = await send((await front('sqs', 'sqs:internal:1')).endpoint);
  expect([internal.name, internal.$fault, internal.$metadata.httpStatusCode, internal.$metadata.attempts]).toEqual(['InternalFailure', 'server', 500, 3]);
});

test('S3 (REST XML): unavailable is 503 SlowDown, retried as throttling; a HEAD gets the status without a body', async () => {
  const { endpoint } = await front('s3', 's3:unavailable:1');
  const s3 = new S3Client({ ...client(endpoint), forcePathStyle: true });
  const error = await failure(s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })));
  expect([error.name, throttling(error), error.$metadata.httpStatusCode, error.$metadata.attempts]).toEqual(['SlowDown', true, 503, 3]);
  const head = await failure(s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' })));
  expect([head.$metadata.httpStatusCode, head.$metadata.attempts]).toEqual([503, 3]);
});

test('a request that is no API call (Cognito\'s JWKS) is never faulted', async () => {
  const { endpoint, rules } = await front('cognito', 'cognito:internal:1');
  const response = await fetch(`${endpoint}/local_pool/.well-known/jwks.json`);
  expect(response.status).toBe(200);
  expect(rules.list()[0]?.injected).toBe(0);
});

test('Cognito (awsJson1_1): a throttle is TooManyRequestsException, retried as throttling', async () => {
  const { endpoint } = await front('cognito', 'cognito:throttle:1:InitiateAuth');
  const error = await failure(new CognitoIdentityProviderClient(client(endpoint)).send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c' })));
  expect([error.name, throttling(error), error.$metadata.httpStatusCode, error.$metadata.attempts]).toEqual(['TooManyRequestsException', true, 400, 3]);
});

test('SES v2 (restJson1): a throttle is a 429 TooManyRequestsException, retried', async () => {
  const { endpoint } = await front('ses', 'ses:throttle:1:SendEmail');
  const error = await failure(new SESv2Client(client(endpoint)).send(new SendEmailCommand({
    FromEmailAddress: 'a@b.c', Destination: { ToAddresses: ['d@e.f'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
  })));
  expect([error.name, throttling(error), error.$metadata.httpStatusCode, error.$metadata.attempts]).toEqual(['TooManyRequestsException', true, 429, 3]);
});

test('EC2 (query XML): a throttle is RequestLimitExceeded, retried as throttling', async () => {
  const { endpoint } = await front('ec2', 'ec2:throttle:1:DescribeInstances');
  const error = await failure(new EC2Client(client(endpoint)).send(new DescribeInstancesCommand({})));
  expect([error.name, throttling(error), error.$metadata.httpStatusCode, error.$metadata.attempts]).toEqual(['RequestLimitExceeded', true, 503, 3]);
});

describe('rules', () => {
  test('the compact form reads every part; latency takes its milliseconds', () => {
    expect(parseFaultRules('dynamodb:throttle:0.05, dynamodb:conflict:0.05:TransactWriteItems,s3:latency:250:0.5,')).toEqual([
      { service: 'dynamodb', error: 'throttle', probability: 0.05 },
      { service: 'dynamodb', error: 'conflict', probability: 0.05, operation: 'TransactWriteItems' },
      { service: 's3', error: 'latency', probability: 0.5, latencyMs: 250 },
    ]);
    expect(parseFaultRules('')).toEqual([]);
  });

  test.each([
    ['dynamo:throttle:0.1', "fault rule 'dynamo:throttle:0.1': unknown service 'dynamo'"],
    ['s3:slow:0.1', "unknown error 'slow'"],
    ['sqs:internal:1.5', "probability '1.5' is not a number from 0 to 1"],
    ['sqs:internal:half', "probability 'half'"],
    ['sqs:internal', 'expected service:error:probability[:operation]'],
    ['s3:latency:soon:0.1', "latency 'soon'"],
    ['s3:conflict:0.1', "'conflict' exists only for dynamodb"],
    ['dynamodb:conflict:0.1:Query', "cannot hit operation 'Query'"],
    ['dynamodb:throttle:0.1:get-item', "operation 'get-item'"],
  ])('%s is refused, naming the bad part', (text, message) => {
    expect(() => parseFaultRules(text)).toThrow(message);
  });

  test('DARKROOM_FAULTS and DARKROOM_FAULTS_SEED are read, and a bad one names the variable', () => {
    expect(faultOptionsFromEnvironment({ DARKROOM_FAULTS: 'sqs:internal:0.02', DARKROOM_FAULTS_SEED: '42' }))
      .toEqual({ faults: [{ service: 'sqs', error: 'internal', probability: 0.02 }], faultsSeed: 42 });
    expect(() => faultOptionsFromEnvironment({ DARKROOM_FAULTS: 'sqs:internal:2' })).toThrow(/^DARKROOM_FAULTS: fault rule 'sqs:internal:2'/);
    expect(() => faultOptionsFromEnvironment({ DARKROOM_FAULTS_SEED: '-1' })).toThrow('DARKROOM_FAULTS_SEED');
  });

  test('a seed makes the faulted requests the same on every run; another seed changes them', () => {
    const draws = (seed: number) => {
      const rules = new FaultRules(parseFaultRules('dynamodb:throttle:0.3'), seed);
      return Array.from({ length: 200 }, () => rules.pick('dynamodb', 'GetItem') !== undefined);
    };
    const first = draws(7);
    expect(draws(7)).toEqual(first);
    expect(draws(8)).not.toEqual(first);
    // Near the probability asked for (60 of 200 expected).
    expect(first.filter(Boolean).length).toBeGreaterThan(35);
    expect(first.filter(Boolean).length).toBeLessThan(85);
  });

  test('POST bodies: compact text, JSON with a compact string, or JSON rule objects', () => {
    expect(readFaultRequest('s3:internal:0.1')).toEqual([{ service: 's3', error: 'internal', probability: 0.1 }]);
    expect(readFaultRequest('{"rules":"s3:internal:0.1"}', 'application/json')).toEqual([{ service: 's3', error: 'internal', probability: 0.1 }]);
    expect(readFaultRequest(JSON.stringify({ rules: [{ service: 'ses', error: 'latency', latencyMs: 5, probability: 1 }] }), 'application/json'))
      .toEqual([{ service: 'ses', error: 'latency', latencyMs: 5, probability: 1 }]);
    expect(() => readFaultRequest('{"rules":[{"service":"s3","error":"internal","probability":"x"}]}', 'application/json')).toThrow("rules[0]: probability 'x'");
    expect(() => readFaultRequest('{"rule":"x"}', 'application/json')).toThrow('body has no "rules"');
  });
});

test('/_local/faults: GET lists rules with counts, POST adds (400 naming a bad part), DELETE clears', async () => {
  const rules = new FaultRules([], 1);
  const route = faultsRoute(rules);
  const api = createServer((request, response) => {
    void route(request, new URL(request.url ?? '/', 'http://local')).then((answer) => {
      response.writeHead(answer?.status ?? 404, { 'content-type': 'application/json' }).end(JSON.stringify(answer?.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(api.address() as AddressInfo).port}/_local/faults`;
  try {
    const added = await fetch(base, { method: 'POST', body: 'dynamodb:throttle:1:GetItem' });
    expect(added.status).toBe(200);
    rules.pick('dynamodb', 'GetItem');
    expect(await (await fetch(base)).json()).toEqual({ rules: [{ service: 'dynamodb', error: 'throttle', probability: 1, operation: 'GetItem', rule: 'dynamodb:throttle:1:GetItem', injected: 1 }] });
    const bad = await fetch(base, { method: 'POST', body: 'dynamodb:throttle:1,ses:oops:1' });
    expect([bad.status, await bad.json()]).toEqual([400, { message: expect.stringContaining("fault rule 'ses:oops:1': unknown error 'oops'") as string }]);
    expect((await (await fetch(base)).json() as { rules: unknown[] }).rules).toHaveLength(1);
    expect(await (await fetch(base, { method: 'DELETE' })).json()).toEqual({ removed: 1, rules: [] });
    expect(await (await fetch(base)).json()).toEqual({ rules: [] });
  } finally {
    await new Promise<void>((resolve) => api.close(() => resolve()));
  }
});
