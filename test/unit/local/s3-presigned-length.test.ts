/** The local S3 front refuses a presigned PUT whose body length differs from the signed Content-Length, as S3 does. */
import type { IncomingMessage } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { presignPut } from '@darkroom/runtime';
import { presignedLengthRefusal } from '../../../scripts/local/emulators/s3-presigned-length';

const s3 = new S3Client({
  region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const secretOf = (id: string) => (id === 'S3RVER' ? 'S3RVER' : undefined);

/** The request the front receives for a PUT to `url` with these headers. */
const put = (url: string, headers: Record<string, string>): IncomingMessage => {
  const parsed = new URL(url);
  return { method: 'PUT', url: `${parsed.pathname}${parsed.search}`, headers: { host: parsed.host, ...headers } } as unknown as IncomingMessage;
};

it('passes the signed length and type, refuses any other length, type or key', async () => {
  const { url } = await presignPut(s3, { bucket: 'darkroom-visual', key: 'jobs/a b/0/x.png', contentType: 'image/png', contentLength: 1234, expiresIn: 900 });
  expect(presignedLengthRefusal(put(url, { 'content-type': 'image/png', 'content-length': '1234' }), secretOf)).toBeUndefined();
  for (const headers of <Array<Record<string, string>>>[
    { 'content-type': 'image/png', 'content-length': '1235' },
    { 'content-type': 'image/png', 'content-length': '1233' },
    { 'content-type': 'image/png', 'transfer-encoding': 'chunked' },
    { 'content-type': 'image/jpeg', 'content-length': '1234' },
  ]) {
    expect([headers, presignedLengthRefusal(put(url, headers), secretOf)?.code]).toEqual([headers, 'SignatureDoesNotMatch']);
  }
  expect(presignedLengthRefusal(put(url.replace('x.png', 'y.png'), { 'content-type': 'image/png', 'content-length': '1234' }), secretOf)?.status).toBe(403);
  expect(presignedLengthRefusal(put(url, { 'content-type': 'image/png', 'content-length': '1234' }), () => 'another secret')?.status).toBe(403);
});

it('leaves every other request to s3rver: a PUT that signs no length, GETs, header-signed requests', async () => {
  const { url } = await presignPut(s3, { bucket: 'b', key: 'k', contentType: 'image/png', expiresIn: 900 });
  expect(presignedLengthRefusal(put(url, { 'content-type': 'image/png', 'content-length': '99' }), secretOf)).toBeUndefined();
  expect(presignedLengthRefusal({ method: 'GET', url: '/b/k?X-Amz-SignedHeaders=content-length%3Bhost', headers: {} } as unknown as IncomingMessage, secretOf)).toBeUndefined();
  expect(presignedLengthRefusal({ method: 'PUT', url: '/b/k', headers: { authorization: 'AWS4-HMAC-SHA256 ...' } } as unknown as IncomingMessage, secretOf)).toBeUndefined();
});
