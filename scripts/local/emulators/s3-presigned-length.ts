/**
 * S3's refusal of a presigned PUT whose signature covers `Content-Length` when the upload sends another
 * length. s3rver does not check SigV4 signatures, so the front does it for exactly these requests: it
 * recomputes the query-string signature from the request as received and answers 403
 * SignatureDoesNotMatch, as S3 does, when it differs.
 * Algorithm: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PolicyRefusal } from './s3-post-policy';

/** RFC 3986 encoding as SigV4 wants it: every byte but A-Z a-z 0-9 - _ . ~ percent-encoded. */
const rfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

const MISMATCH: PolicyRefusal = {
  status: 403, code: 'SignatureDoesNotMatch',
  message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
};

/**
 * Checks a presigned PUT (SigV4 in the query) that signs `content-length`.
 * @param secretOf - the secret access key of an access key id (undefined: unknown key)
 * @returns the refusal S3 would answer, or undefined when the request is not such a PUT or its signature holds
 */
export function presignedLengthRefusal(request: IncomingMessage, secretOf: (accessKeyId: string) => string | undefined): PolicyRefusal | undefined {
  if (request.method !== 'PUT') return undefined;
  const raw = request.url ?? '/';
  const queryAt = raw.indexOf('?');
  if (queryAt < 0) return undefined;
  const query = new URLSearchParams(raw.slice(queryAt + 1));
  const signed = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
  const signature = query.get('X-Amz-Signature');
  if (!signature || query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !signed.includes('content-length')) return undefined;
  const [accessKeyId, date, region, service] = (query.get('X-Amz-Credential') ?? '').split('/');
  const secret = accessKeyId ? secretOf(accessKeyId) : undefined;
  const amzDate = query.get('X-Amz-Date');
  if (!secret || !date || !region || !service || !amzDate) return MISMATCH;
  const canonicalQuery = [...query.entries()].filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`).join('&');
  const header = (name: string) => {
    const value = request.headers[name];
    return (Array.isArray(value) ? value.join(',') : value ?? '').trim().replace(/\s+/g, ' ');
  };
  const canonicalRequest = [
    'PUT', raw.slice(0, queryAt), canonicalQuery,
    signed.map((name) => `${name}:${header(name)}\n`).join(''), signed.join(';'),
    query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? undefined : MISMATCH;
}
