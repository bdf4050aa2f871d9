/**
 * API under load: autocannon, 50 connections for 15 s, against an authenticated
 * route on the local stack (GET /images/download/image: JWT verified by the jwt layer, revocation
 * checked in the auth table, the image read from DynamoDB, a presigned URL signed), and the same
 * handler invoked in this process with the same event, 50 at a time for 15 s, against the same
 * emulators. Prints req/s, p50 and p99 for both and the ratio, and two references that say where the
 * time goes: the HTTP adapter alone (an unknown path, answered 404 before any handler) and DynamoDB
 * Local alone (GetItem, 50 at a time).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import autocannon from 'autocannon';
import { spawnStack, stopStack } from '../local/spawn';
import { functionEnvironment, loadManifest, ROOT } from '../manifest';

const CONNECTIONS = 50;
/** Seconds of load per figure; 3 with `npm run bench -- --quick`. */
const SECONDS = process.env.DARKROOM_BENCH_QUICK === '1' ? 3 : 15;
/** Seconds of each reference figure (adapter alone, DynamoDB alone); 2 with --quick. */
const REFERENCE_SECONDS = process.env.DARKROOM_BENCH_QUICK === '1' ? 2 : 5;
const ROUTE = 'images-download-image';

interface Figures { perSecond: number; p50: number; p99: number; errors: number }

/** Runs `call` `concurrency` at a time for `seconds`. @returns req/s and latency percentiles (ms) */
async function loadInProcess(call: () => Promise<boolean>, concurrency: number, seconds: number): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      if (!(await call().catch(() => false))) errors++;
      latencies.push(performance.now() - t);
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!;
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), p50: at(0.5), p99: at(0.99), errors };
}

async function main(): Promise<void> {
  const stack = await spawnStack({ DARKROOM_QUIET: '1' });
  process.env.DARKROOM_STACK_FILE = stack.readyFile;
  const { api, clientsFor, newUser, presignedPost, waitFor } = await import('../../test/support/stack');
  try {
    const user = await newUser('api-bench');
    const created = await api('/images/upload', { token: user.idToken, body: { file_name: 'Storm.jpg' } });
    if (await presignedPost(created.body.upload, readFileSync(join(ROOT, 'test/fixtures/photos/Storm.jpg')), 'Storm.jpg') !== 204) throw new Error('upload failed');
    const imageId: string = created.body.image_id;
    await waitFor(async () => (await api(`/images/download/image?image_id=${imageId}`, { token: user.idToken })).status === 200, { timeout: 60_000 });
    const path = '/images/download/image';
    const query = `image_id=${imageId}`;
    const headers = { authorization: `Bearer ${user.idToken}` };

    const stackRun = await autocannon({ url: `${stack.ready.api}${path}?${query}`, connections: CONNECTIONS, duration: SECONDS, headers });
    const adapter = await autocannon({ url: `${stack.ready.api}/no/such/route`, connections: CONNECTIONS, duration: REFERENCE_SECONDS });

    // The same handler in this process, configured as start.ts configures the stack's.
    const manifest = loadManifest();
    const fn = manifest.functions.find((f) => f.name === ROUTE)!;
    Object.assign(process.env, stack.ready.env, functionEnvironment(fn, (ref) => stack.ready.resources[ref], stack.ready.env), {
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1', POWERTOOLS_DEV: 'true', POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const { handler } = await import(join(ROOT, fn.entry)) as { handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number }> };
    const event = (): APIGatewayProxyEventV2 => ({
      version: '2.0', routeKey: `GET ${path}`, rawPath: path, rawQueryString: query, headers: { ...headers, host: '127.0.0.1' },
      queryStringParameters: { image_id: imageId },
      requestContext: {
        accountId: '000000000000', apiId: 'local', domainName: '127.0.0.1', domainPrefix: '127', requestId: randomUUID(), routeKey: `GET ${path}`, stage: '$default',
        http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, time: new Date().toUTCString(), timeEpoch: Date.now(),
      },
      isBase64Encoded: false,
    });
    const context = { functionName: `darkroom-${ROUTE}`, awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 } as Context;
    const inProcess = await loadInProcess(async () => (await handler(event(), context)).statusCode === 200, CONNECTIONS, SECONDS);

    const { dynamo } = clientsFor({
      region: stack.ready.env.AWS_REGION!, endpoints: stack.ready,
      credentials: { accessKeyId: stack.ready.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.ready.env.AWS_SECRET_ACCESS_KEY! },
    });
    const table = stack.ready.resources['table:images']!;
    const getItem = await loadInProcess(async () => Boolean((await dynamo.send(new GetCommand({ TableName: table, Key: { pk: user.sub, sk: `IMAGE#${imageId}` } }))).Item), CONNECTIONS, REFERENCE_SECONDS);

    const failures = stackRun.non2xx + stackRun.errors + stackRun.timeouts;
    const row = (label: string, f: { perSecond: number; p50: number; p99: number }, note = '') =>
      `  ${label.padEnd(34)} ${f.perSecond.toFixed(0).padStart(6)} req/s  p50 ${f.p50.toFixed(1).padStart(6)} ms  p99 ${f.p99.toFixed(1).padStart(6)} ms${note}`;
    console.log(`API under load: GET ${path} (authenticated), ${CONNECTIONS} connections, ${SECONDS} s:`);
    console.log(row('local stack (autocannon)', { perSecond: stackRun.requests.average, p50: stackRun.latency.p50, p99: stackRun.latency.p99 }, failures ? `  (${failures} non-2xx/errors)` : ''));
    console.log(row('same handler in process', inProcess, inProcess.errors ? `  (${inProcess.errors} errors)` : ''));
    console.log(`  ratio stack / in process: ${(stackRun.requests.average / inProcess.perSecond).toFixed(2)} (req/s)`);
    console.log('  where the time goes:');
    console.log(row(`HTTP adapter alone (404, ${REFERENCE_SECONDS} s)`, { perSecond: adapter.requests.average, p50: adapter.latency.p50, p99: adapter.latency.p99 }));
    console.log(row(`DynamoDB Local GetItem (${REFERENCE_SECONDS} s)`, getItem));
  } finally {
    await stopStack(stack.pid, stack.dir);
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
