/**
 * The local S3 front's authentication and policy checks, driven by the real AWS SDK (header-signed
 * requests, presigned URLs) over loopback. A tiny server stands in for s3rver behind the front and
 * answers 200 to whatever reaches it, so a 200 here means "the front let it through".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { authenticatedPolicy } from '../../../scripts/local/emulators/identity-policy';
import { authorizeIdentity, s3Operation, type KnownKey } from '../../../scripts/local/emulators/s3-auth';
import { startS3Front } from '../../../scripts/local/emulators/s3-front';
import { requestGuard } from '../../../scripts/local/emulators/s3-front-auth';
import { s3Outcome } from '../../support/s3-outcome';

const BUCKET = 'darkroom-datasets';
const SERVICE = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const IDENTITY_ID = 'us-east-1:11111111-2222-3333-4444-555555555555';
const identity = { accessKeyId: 'ASIATESTIDENTITY01', secretAccessKey: 'identity-secret', sessionToken: 'identity-session-token' };
const issued: Record<string, KnownKey & { identityId: string; expiresAt: string }> = {
  [identity.accessKeyId]: { ...identity, identityId: IDENTITY_ID, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
  ASIAEXPIREDIDENTITY: { secretAccessKey: 'x', sessionToken: 'y', identityId: IDENTITY_ID, expiresAt: new Date(Date.now() - 1000).toISOString() },
};

let target: Server;
let identityServer: Server;
let front: Server;
let endpoint: string;
const reached: string[] = [];

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  target = createServer((request, response) => {
    reached.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/xml', etag: '"x"' }).end(
      request.method === 'GET' && !/\/.+\/.+/.test(new URL(request.url!, 'http://x').pathname)
        ? `<?xml version="1.0"?><ListBucketResult><Name>${BUCKET}</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>` : '',
    ));
  });
  identityServer = createServer((request, response) => {
    const key = issued[decodeURIComponent(request.url!.split('/').pop()!)];
    if (key) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(key));
    else response.writeHead(404).end();
  });
  const [targetPort, identityPort] = [await listen(target), await listen(identityServer)];
  const started = await startS3Front({
    host: '127.0.0.1', port: 0, target: { host: '127.0.0.1', port: targetPort }, credentials: { [SERVICE.accessKeyId]: SERVICE.secretAccessKey },
    guard: requestGuard({ serviceKeys: { [SERVICE.accessKeyId]: SERVICE.secretAccessKey }, identityEndpoint: `http://127.0.0.1:${identityPort}`, identityPolicy: authenticatedPolicy(BUCKET) }),
  });
  front = started.server;
  endpoint = `http://127.0.0.1:${started.port}`;
});

afterAll(async () => {
  for (const server of [front, target, identityServer]) await new Promise((resolve) => server.close(resolve));
});

const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => new S3Client({
  region: 'us-east-1', endpoint, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', maxAttempts: 1,
});


/** A raw request to the front: the status and the `<Code>` of S3's XML error. */
async function raw(url: string, init: RequestInit = {}): Promise<{ status: number; code?: string }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
}

describe('header-signed requests (SigV4 Authorization header)', () => {
  it('lets the service credentials do anything, anywhere', async () => {
    const s3 = client(SERVICE);
    await expect(s3Outcome(s3.send(new PutObjectCommand({ Bucket: 'darkroom-originals', Key: 'a/b.txt', Body: 'hello' })))).resolves.toEqual({ status: 200 });
    await expect(s3Outcome(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'someone/x.txt' })))).resolves.toEqual({ status: 200 });
  });

  it('refuses a wrong secret with 403 SignatureDoesNotMatch and an unknown key with 403 InvalidAccessKeyId', async () => {
    await expect(s3Outcome(client({ ...SERVICE, secretAccessKey: 'wrong' }).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' }))))
      .resolves.toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    await expect(s3Outcome(client({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' }))))
      .resolves.toEqual({ status: 403, code: 'InvalidAccessKeyId' });
  });

  it('signs the key, not the way the request line spells it: a raw ":" verifies as the SDK\'s "%3A"', async () => {
    const url = await getSignedUrl(client(SERVICE), new GetObjectCommand({ Bucket: BUCKET, Key: `${IDENTITY_ID}/a.png` }), { expiresIn: 60 });
    expect(url).toContain('%3A');
    await expect(raw(url.replace(/%3A/, ':'))).resolves.toEqual({ status: 200 });
  });

  it('refuses an unsigned request with 403 AccessDenied', async () => {
    await expect(raw(`${endpoint}/${BUCKET}/k`, { method: 'PUT', body: 'x' })).resolves.toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('lets identity credentials write, read and list under their own prefix only', async () => {
    const s3 = client(identity);
    await expect(s3Outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${IDENTITY_ID}/p/a.png`, Body: 'x' })))).resolves.toEqual({ status: 200 });
    await expect(s3Outcome(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${IDENTITY_ID}/p/a.png` })))).resolves.toEqual({ status: 200 });
    await expect(s3Outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${IDENTITY_ID}/p/` })))).resolves.toEqual({ status: 200 });
    const denied = { status: 403, code: 'AccessDenied' };
    await expect(s3Outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'us-east-1:another/p/a.png', Body: 'x' })))).resolves.toEqual(denied);
    await expect(s3Outcome(s3.send(new PutObjectCommand({ Bucket: 'darkroom-originals', Key: `${IDENTITY_ID}/p/a.png`, Body: 'x' })))).resolves.toEqual(denied);
    await expect(s3Outcome(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${IDENTITY_ID}/p/a.png` })))).resolves.toEqual(denied);
    await expect(s3Outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })))).resolves.toEqual(denied);
  });

  it('refuses identity credentials without their session token, and expired ones', async () => {
    await expect(s3Outcome(client({ accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey }).send(new GetObjectCommand({ Bucket: BUCKET, Key: `${IDENTITY_ID}/a` }))))
      .resolves.toEqual({ status: 400, code: 'InvalidToken' });
    await expect(s3Outcome(client({ accessKeyId: 'ASIAEXPIREDIDENTITY', secretAccessKey: 'x', sessionToken: 'y' }).send(new GetObjectCommand({ Bucket: BUCKET, Key: `${IDENTITY_ID}/a` }))))
      .resolves.toEqual({ status: 400, code: 'ExpiredToken' });
  });
});

describe('presigned URLs (SigV4 query string)', () => {
  const key = 'sub-1/visual/jobs/1/screen.png';
  const putUrl = () => getSignedUrl(client(SERVICE), new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'image/png' }), { expiresIn: 900, signableHeaders: new Set(['content-type']) });

  it('accepts a PUT with the signed Content-Type, and a presigned GET', async () => {
    await expect(raw(await putUrl(), { method: 'PUT', body: 'png', headers: { 'content-type': 'image/png' } })).resolves.toEqual({ status: 200 });
    const get = await getSignedUrl(client(SERVICE), new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });
    await expect(raw(get)).resolves.toEqual({ status: 200 });
  });

  it.each([
    ['no Content-Type', async () => raw(await putUrl(), { method: 'PUT', body: new Uint8Array([1]) })],
    ['a wrong Content-Type', async () => raw(await putUrl(), { method: 'PUT', body: 'x', headers: { 'content-type': 'text/html' } })],
    ['a zeroed signature', async () => raw((await putUrl()).replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`), { method: 'PUT', body: 'x', headers: { 'content-type': 'image/png' } })],
    ['a different key', async () => raw((await putUrl()).replace('screen.png', 'other.png'), { method: 'PUT', body: 'x', headers: { 'content-type': 'image/png' } })],
    ['another method', async () => raw(await putUrl(), { method: 'DELETE' })],
  ])('refuses %s with 403 SignatureDoesNotMatch', async (_, call) => {
    const before = reached.length;
    await expect(call()).resolves.toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(reached.length).toBe(before);
  });

  it('refuses an expired URL with 403 AccessDenied', async () => {
    const url = await getSignedUrl(client(SERVICE), new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 1, signingDate: new Date(Date.now() - 5_000) });
    await expect(raw(url)).resolves.toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('applies the identity policy to URLs presigned with identity credentials', async () => {
    const own = await getSignedUrl(client(identity), new GetObjectCommand({ Bucket: BUCKET, Key: `${IDENTITY_ID}/p/a.png` }), { expiresIn: 60 });
    await expect(raw(own)).resolves.toEqual({ status: 200 });
    const other = await getSignedUrl(client(identity), new GetObjectCommand({ Bucket: BUCKET, Key: 'us-east-1:another/p/a.png' }), { expiresIn: 60 });
    await expect(raw(other)).resolves.toEqual({ status: 403, code: 'AccessDenied' });
  });
});

describe('s3Operation and authorizeIdentity', () => {
  it.each([
    ['POST', `/${BUCKET}/k?uploads`, 's3:PutObject'],
    ['PUT', `/${BUCKET}/k?partNumber=1&uploadId=u`, 's3:PutObject'],
    ['POST', `/${BUCKET}/k?uploadId=u`, 's3:PutObject'],
    ['DELETE', `/${BUCKET}/k?uploadId=u`, 's3:AbortMultipartUpload'],
    ['GET', `/${BUCKET}/k?uploadId=u`, 's3:ListMultipartUploadParts'],
    ['DELETE', `/${BUCKET}/k`, 's3:DeleteObject'],
    ['GET', `/${BUCKET}?list-type=2&prefix=a%2F`, 's3:ListBucket'],
    ['GET', `/${BUCKET}?uploads`, 's3:ListBucketMultipartUploads'],
  ])('%s %s is %s', (method, url, action) => {
    expect(s3Operation(method, url)?.action).toBe(action);
  });

  it('binds the policy variable to the caller: a prefix that only starts like the identity id is another identity\'s', () => {
    const policy = authenticatedPolicy(BUCKET);
    expect(authorizeIdentity(policy, IDENTITY_ID, 'PUT', `/${BUCKET}/${encodeURIComponent(IDENTITY_ID)}/p/a`)).toBeUndefined();
    expect(authorizeIdentity(policy, IDENTITY_ID, 'PUT', `/${BUCKET}/${encodeURIComponent(`${IDENTITY_ID}x`)}/p/a`)).toMatchObject({ status: 403 });
    expect(authorizeIdentity(policy, IDENTITY_ID, 'GET', `/${BUCKET}?prefix=${encodeURIComponent(`${IDENTITY_ID}/`)}`)).toBeUndefined();
    expect(authorizeIdentity(policy, IDENTITY_ID, 'GET', `/${BUCKET}?prefix=us-east-1`)).toMatchObject({ status: 403 });
  });
});
