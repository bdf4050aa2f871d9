/**
 * Direct-upload benchmark: a 100 MiB multipart upload with `@aws-sdk/lib-storage` (8 MiB parts, 4 at a
 * time, as seed 003's front end uploads datasets) with identity-pool credentials, into the local S3
 * front with its signature and policy checks on (s3-front-auth.ts: SigV4 of every part, the
 * authenticated role's policy through iam-simulate), and the same upload through a front that checks
 * nothing. Both fronts forward to one s3rver (in this process, data in a temporary directory), so the
 * difference is the checks. Prints MiB/s of each (median of BENCH_ROUNDS interleaved rounds, default 3)
 * and the ratio checked / unchecked; the goal is >= 0.8.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import S3rver from 's3rver';
import { authenticatedPolicy } from '../local/emulators/identity-policy';
import { startS3Front } from '../local/emulators/s3-front';
import { dropSignature, requestGuard } from '../local/emulators/s3-front-auth';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const MiB = 1024 * 1024;
const SIZE = 100 * MiB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BUCKET = 'darkroom-datasets';
const SERVICE = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const IDENTITY_ID = 'us-east-1:0b0b0b0b-0000-4000-8000-00000000be0c';
const identity = { accessKeyId: 'ASIABENCHIDENTITY1', secretAccessKey: 'bench-identity-secret', sessionToken: 'bench-identity-session' };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

/** The credentials lookup the Cognito Identity emulator answers, for the bench's one identity. */
function identityLookupServer(): Server {
  const found = { ...identity, identityId: IDENTITY_ID, expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
  return createServer((request, response) => {
    if (request.url === `/_local/credentials/${identity.accessKeyId}`) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
    else response.writeHead(404).end();
  });
}

/** Seconds for one 100 MiB upload to `endpoint`. */
async function upload(endpoint: string, body: Buffer, round: number): Promise<number> {
  const client = new S3Client({
    region: 'us-east-1', endpoint, forcePathStyle: true, credentials: identity, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const started = performance.now();
  await new Upload({ client, params: { Bucket: BUCKET, Key: `${IDENTITY_ID}/bench/round-${round}.bin`, Body: body }, queueSize: 4, partSize: 8 * MiB }).done();
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return seconds;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-bench-s3-'));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const { port: s3rverPort } = await s3rver.run() as { port: number };
  const lookup = identityLookupServer();
  const lookupPort = await listen(lookup);
  const target = { host: '127.0.0.1', port: s3rverPort };
  const credentials = { [SERVICE.accessKeyId]: SERVICE.secretAccessKey };
  const checked = await startS3Front({
    host: '127.0.0.1', port: 0, target, credentials,
    guard: requestGuard({ serviceKeys: credentials, identityEndpoint: `http://127.0.0.1:${lookupPort}`, identityPolicy: authenticatedPolicy(BUCKET) }),
  });
  // The same front with nothing checked: every request passes, unsigned, as an accepted identity request does.
  const unchecked = await startS3Front({ host: '127.0.0.1', port: 0, target, credentials, guard: async (request) => { dropSignature(request); return undefined; } });
  const body = Buffer.alloc(SIZE, 0x5a);
  const times = { checked: [] as number[], unchecked: [] as number[] };
  try {
    await upload(`http://127.0.0.1:${unchecked.port}`, body, -1); // warm-up: connections, JIT, s3rver's first bucket write
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always meets a warmer disk cache.
      const order = round % 2 === 0 ? (['checked', 'unchecked'] as const) : (['unchecked', 'checked'] as const);
      for (const mode of order) times[mode].push(await upload(`http://127.0.0.1:${(mode === 'checked' ? checked : unchecked).port}`, body, round));
    }
  } finally {
    for (const server of [checked.server, unchecked.server, lookup]) await new Promise((resolve) => server.close(resolve));
    await s3rver.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const rate = (seconds: number[]) => SIZE / MiB / median(seconds);
  const [on, off] = [rate(times.checked), rate(times.unchecked)];
  // Each round's two uploads ran back to back: their ratio is the least disturbed by other load on the machine.
  const ratio = median(times.checked.map((seconds, i) => times.unchecked[i]! / seconds));
  console.log(`S3 direct upload, identity credentials, 100 MiB multipart (lib-storage, 8 MiB parts, 4 in parallel), median of ${ROUNDS} rounds:`);
  console.log(`  signature + policy checks on:  ${on.toFixed(1)} MiB/s`);
  console.log(`  checks off:                    ${off.toFixed(1)} MiB/s`);
  console.log(`  ratio on/off (median of per-round ratios): ${ratio.toFixed(2)} (goal >= 0.8)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
