/**
 * What S3 checks before it serves a request, which s3rver does not: the AWS Signature Version 4 of a
 * header-signed or presigned request (with `@smithy/signature-v4`, the signer the SDK itself uses:
 * every signed header, Content-Type included where signed, the credential scope, the expiry of a
 * presigned URL, the clock skew of a signed request, the session token of temporary credentials), and,
 * for identity-pool credentials, the authenticated role's IAM policy (with `@cloud-copilot/iam-simulate`,
 * the policy variable `${cognito-identity.amazonaws.com:sub}` bound to the caller's identity id).
 * Refusals are S3's own XML errors.
 *
 * Sources: "Authenticating Requests (AWS Signature Version 4)" in the Amazon S3 API reference
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html, the header and
 * query-string pages under it); S3's error codes (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html);
 * actions, resources and condition keys for Amazon S3 (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { PolicyDocument } from './identity-policy';
import type { PolicyRefusal } from './s3-post-policy';

/** The secret of an access key, and whose key it is. */
export interface KnownKey {
  secretAccessKey: string;
  /** Temporary credentials carry a session token, which every request must present. */
  sessionToken?: string;
  /** Set for identity-pool credentials: the role policy applies with this as `cognito-identity.amazonaws.com:sub`. */
  identityId?: string;
  /** ISO 8601; temporary credentials stop working after it. */
  expiresAt?: string;
}

/** Finds an access key id's secret (undefined: no such key). */
export type KeyLookup = (accessKeyId: string) => Promise<KnownKey | undefined> | KnownKey | undefined;

/** The request as the front received it. */
export interface IncomingS3Request { method: string; url: string; headers: IncomingHttpHeaders }

/** Who signed a request that verifies. */
export interface Signer { accessKeyId: string; key: KnownKey }

/** S3's answer to a request it refuses: the status and the `Code`/`Message` of its XML error. */
export type S3Refusal = PolicyRefusal;

/** SHA-256 (HMAC-SHA256 with a secret) over node:crypto, in the shape the signer takes (smithy's Checksum). */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.create();
  }
  private create(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : ArrayBuffer.isView(this.secret)
      ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength) : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(data: string | Uint8Array): void { this.hash.update(data); }
  digest(): Promise<Uint8Array> { return Promise.resolve(new Uint8Array(this.hash.digest())); }
  reset(): void { this.hash = this.create(); }
}

const refuse = (status: number, code: string, message: string): S3Refusal => ({ status, code, message });
const signatureMismatch = () => refuse(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
/** How far a header-signed request's X-Amz-Date may be from S3's clock (15 minutes). */
const MAX_SKEW_MS = 15 * 60_000;
/** The longest a presigned URL may be valid (7 days). */
const MAX_PRESIGNED_SECONDS = 604_800;

/** `20261207T231500Z` -> Date, or undefined. */
function amzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

const sameHex = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** RFC 3986 percent-encoding of everything but unreserved characters (SigV4's UriEncode). */
const uriEncode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The canonical URI of an S3 request: each path segment decoded and encoded again with UriEncode, so
 * `us-east-1:abc` and `us-east-1%3Aabc` in the request line sign alike, as on S3 (which signs the key,
 * not the way a client wrote it). S3 neither normalises `.`/`..` segments nor double-encodes.
 */
const canonicalPath = (pathname: string): string => pathname.split('/').map((segment) => {
  try {
    return uriEncode(decodeURIComponent(segment));
  } catch {
    return segment;
  }
}).join('/');

/** The query of a URL as the signer takes it: decoded names and values, repeated names as arrays. */
function queryOf(params: URLSearchParams, drop: Set<string>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    if (drop.has(name)) continue;
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

/** The signed headers' values, as received; undefined when one is missing from the request. */
function signedHeaderValues(headers: IncomingHttpHeaders, names: string[]): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = header(headers, name);
    if (value === undefined) return undefined;
    values[name] = value;
  }
  return values;
}

/** Checks the credential and the key it names; the scope is `<date>/<region>/s3/aws4_request`. */
async function credentialOf(credential: string, date: Date, lookup: KeyLookup, sessionToken: string | undefined, now: Date) {
  const [accessKeyId, scopeDate, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !scopeDate || !region || service !== 's3' || terminator !== 'aws4_request') {
    return { refusal: refuse(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`) };
  }
  if (scopeDate !== date.toISOString().slice(0, 10).replace(/-/g, '')) return { refusal: signatureMismatch() };
  const key = await lookup(accessKeyId);
  if (!key) return { refusal: refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.') };
  if (key.sessionToken !== undefined && key.sessionToken !== sessionToken) {
    return { refusal: refuse(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.') };
  }
  if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime()) return { refusal: refuse(400, 'ExpiredToken', 'The provided token has expired.') };
  return { accessKeyId, region, key };
}

const signerFor = (region: string, key: KnownKey & { accessKeyId: string }) => new SignatureV4({
  service: 's3', region, sha256: Sha256, uriEscapePath: false, applyChecksum: false,
  credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken },
});

/**
 * Authenticates a request as S3 does: SigV4 in the Authorization header or in the query string
 * (presigned). Browser POST uploads are authenticated by their policy instead (s3-post-policy.ts) and
 * do not come here.
 * @returns who signed it, or S3's refusal: 403 AccessDenied (no signature; an expired presigned URL),
 *   403 SignatureDoesNotMatch (a wrong signature, secret, key, method, header or signed Content-Type),
 *   403 InvalidAccessKeyId, 403 RequestTimeTooSkewed, 400 ExpiredToken / InvalidToken (temporary
 *   credentials), 400 AuthorizationHeaderMalformed / AuthorizationQueryParametersError
 */
export async function authenticate(request: IncomingS3Request, lookup: KeyLookup, now = new Date()): Promise<Signer | { refusal: S3Refusal }> {
  const url = new URL(request.url, 'http://s3.local');
  const params = url.searchParams;
  const host = header(request.headers, 'host') ?? '';
  if (params.has('X-Amz-Algorithm')) {
    if (params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return { refusal: refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"') };
    const date = amzDate(params.get('X-Amz-Date') ?? undefined);
    const expires = Number(params.get('X-Amz-Expires'));
    const signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
    const signature = params.get('X-Amz-Signature') ?? '';
    if (!date || !Number.isInteger(expires) || expires < 1 || !signedHeaders.includes('host') || !params.get('X-Amz-Credential') || !signature) {
      return { refusal: refuse(400, 'AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.') };
    }
    if (expires > MAX_PRESIGNED_SECONDS) return { refusal: refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is 604800') };
    if (now.getTime() > date.getTime() + expires * 1000) return { refusal: refuse(403, 'AccessDenied', 'Request has expired') };
    const credential = await credentialOf(params.get('X-Amz-Credential')!, date, lookup, params.get('X-Amz-Security-Token') ?? undefined, now);
    if ('refusal' in credential) return credential;
    const headers = signedHeaderValues(request.headers, signedHeaders);
    if (!headers) return { refusal: signatureMismatch() };
    // The signer re-adds the X-Amz-* authentication parameters; the payload of a presigned request is UNSIGNED-PAYLOAD.
    const toSign = new HttpRequest({
      method: request.method, hostname: host, path: canonicalPath(url.pathname), headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      query: queryOf(params, new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'])),
    });
    const excluded = new Set(['x-amz-content-sha256']);
    const signed = await signerFor(credential.region, { ...credential.key, accessKeyId: credential.accessKeyId }).presign(toSign, {
      signingDate: date, expiresIn: expires, signableHeaders: new Set(signedHeaders), unhoistableHeaders: excluded, unsignableHeaders: excluded,
    });
    const query = signed.query ?? {};
    if (query['X-Amz-SignedHeaders'] !== signedHeaders.join(';') || !sameHex(String(query['X-Amz-Signature']), signature)) return { refusal: signatureMismatch() };
    return { accessKeyId: credential.accessKeyId, key: credential.key };
  }

  const authorization = header(request.headers, 'authorization');
  if (!authorization) return { refusal: refuse(403, 'AccessDenied', 'Access Denied') };
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(authorization.trim());
  if (!parsed) return { refusal: refuse(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed; only AWS4-HMAC-SHA256 (Signature Version 4) is supported.') };
  const [, credentialText, signedList, signature] = parsed as unknown as [string, string, string, string];
  const signedHeaders = signedList.split(';');
  const date = amzDate(header(request.headers, 'x-amz-date'));
  if (!date || !signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return { refusal: refuse(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header') };
  if (Math.abs(now.getTime() - date.getTime()) > MAX_SKEW_MS) return { refusal: refuse(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.') };
  const credential = await credentialOf(credentialText, date, lookup, header(request.headers, 'x-amz-security-token'), now);
  if ('refusal' in credential) return credential;
  const payloadHash = header(request.headers, 'x-amz-content-sha256');
  if (!payloadHash) return { refusal: refuse(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256') };
  const headers = signedHeaderValues(request.headers, signedHeaders);
  if (!headers) return { refusal: signatureMismatch() };
  const toSign = new HttpRequest({ method: request.method, hostname: host, path: canonicalPath(url.pathname), headers, query: queryOf(params, new Set()) });
  // Only the headers the client signed take part; x-amz-content-sha256 is the payload hash it declared.
  const signed = await signerFor(credential.region, { ...credential.key, accessKeyId: credential.accessKeyId }).sign(toSign, {
    signingDate: date, signableHeaders: new Set(signedHeaders),
  });
  const computed = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const computedList = /SignedHeaders=([^,\s]+)/.exec(String(signed.headers.authorization))?.[1];
  if (computedList !== signedList || !sameHex(computed, signature)) return { refusal: signatureMismatch() };
  return { accessKeyId: credential.accessKeyId, key: credential.key };
}

/** The IAM action, resource and condition keys of an S3 REST request (path-style: `/<bucket>/<key>`). */
export interface S3Operation { action: string; resource: string; context: Record<string, string> }

/**
 * Maps a path-style S3 request to what IAM authorises: the action (per "Actions defined by Amazon S3";
 * multipart create, upload-part and complete are `s3:PutObject`), the bucket or object ARN, and the
 * `s3:prefix` / `s3:delimiter` / `s3:max-keys` condition keys of a listing.
 * @returns the operation, or undefined for a request with no bucket (ListBuckets)
 */
export function s3Operation(method: string, url: string): S3Operation | undefined {
  const { pathname, searchParams: q } = new URL(url, 'http://s3.local');
  const [bucketPart, ...keyParts] = pathname.replace(/^\//, '').split('/');
  const bucket = decodeURIComponent(bucketPart ?? '');
  if (!bucket) return undefined;
  const key = keyParts.map((part) => decodeURIComponent(part)).join('/');
  const m = method.toUpperCase();
  if (!key) {
    const resource = `arn:aws:s3:::${bucket}`;
    const context: Record<string, string> = {};
    for (const name of ['prefix', 'delimiter', 'max-keys'] as const) if (q.has(name)) context[`s3:${name}`] = q.get(name)!;
    const action = m === 'GET' || m === 'HEAD'
      ? q.has('uploads') ? 's3:ListBucketMultipartUploads' : q.has('versions') ? 's3:ListBucketVersions' : q.has('location') ? 's3:GetBucketLocation'
        : q.has('cors') ? 's3:GetBucketCORS' : q.has('policy') ? 's3:GetBucketPolicy' : 's3:ListBucket'
      : m === 'POST' && q.has('delete') ? 's3:DeleteObject'
        : m === 'PUT' ? q.has('cors') ? 's3:PutBucketCORS' : q.has('policy') ? 's3:PutBucketPolicy' : 's3:CreateBucket'
          : m === 'DELETE' ? 's3:DeleteBucket' : 's3:ListBucket';
    return { action, resource: action === 's3:DeleteObject' ? `${resource}/*` : resource, context };
  }
  const resource = `arn:aws:s3:::${bucket}/${key}`;
  const sub = q.has('tagging') ? 'Tagging' : q.has('acl') ? 'Acl' : '';
  const action = m === 'GET' || m === 'HEAD'
    ? q.has('uploadId') ? 's3:ListMultipartUploadParts' : `s3:GetObject${sub}`
    : m === 'PUT' ? `s3:PutObject${sub}`
      : m === 'POST' ? 's3:PutObject'
        : m === 'DELETE' ? q.has('uploadId') ? 's3:AbortMultipartUpload' : `s3:DeleteObject${sub}`
          : 's3:GetObject';
  return { action, resource, context: {} };
}

/** The account the local stack pretends to be. */
const ACCOUNT = '000000000000';

/**
 * Evaluates an identity's request against the authenticated role's policy, as IAM does (explicit deny
 * wins; else an allow is needed), with `cognito-identity.amazonaws.com:sub` = the identity id.
 * `runUnsafeSimulation` is the evaluator without request validation: the validating `runSimulation`
 * drops every context key its S3 action data does not list, `cognito-identity.amazonaws.com:sub`
 * among them, and then no policy variable of an identity pool ever resolves.
 * @returns undefined when allowed, else 403 AccessDenied
 */
export function authorizeIdentity(policy: PolicyDocument, identityId: string, method: string, url: string): S3Refusal | undefined {
  const operation = s3Operation(method, url);
  if (!operation) return refuse(403, 'AccessDenied', 'Access Denied');
  const result = runUnsafeSimulation({
    identityPolicies: [{ name: 'identity-authenticated', policy: policy as never }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action: operation.action,
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/identity-authenticated/CognitoIdentityCredentials`,
      resource: { resource: operation.resource, accountId: ACCOUNT },
      contextVariables: { ...operation.context, 'cognito-identity.amazonaws.com:sub': identityId },
    },
  } as never, {});
  return result === 'Allowed' ? undefined : refuse(403, 'AccessDenied', 'Access Denied');
}
