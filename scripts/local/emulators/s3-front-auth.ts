/**
 * The S3 front's gate (s3-front.ts): every request but a browser POST upload must be signed (SigV4,
 * s3-auth.ts) by a key the stack knows. The stack's service credentials (what the Lambdas use) may do
 * anything, as the functions' roles allow on AWS; identity-pool credentials (from the Cognito Identity
 * emulator, cognito-identity.ts) may do what the authenticated role's policy allows them.
 */
import type { IncomingMessage } from 'node:http';
import type { PolicyDocument } from './identity-policy';
import { authenticate, authorizeIdentity, type KnownKey, type S3Refusal } from './s3-auth';

/** Options of {@link requestGuard}. */
export interface GuardOptions {
  /** Service credentials: access key id -> secret. Full access. */
  serviceKeys: Record<string, string>;
  /** The Cognito Identity emulator, asked for credentials it issued (`GET /_local/credentials/<id>`). */
  identityEndpoint?: string;
  /** The authenticated role's policy, applied to identity credentials. */
  identityPolicy?: PolicyDocument;
}

/** Checks one request; undefined means S3 would serve it. */
export type RequestGuard = (request: IncomingMessage) => Promise<S3Refusal | undefined>;

/**
 * Builds the gate. Identity credentials are fetched once per access key and kept until they expire.
 * @returns the guard
 */
export function requestGuard(options: GuardOptions): RequestGuard {
  const identities = new Map<string, KnownKey>();
  async function lookup(accessKeyId: string): Promise<KnownKey | undefined> {
    const service = options.serviceKeys[accessKeyId];
    if (service !== undefined) return { secretAccessKey: service };
    const cached = identities.get(accessKeyId);
    if (cached) return cached;
    if (!options.identityEndpoint) return undefined;
    const response = await fetch(`${options.identityEndpoint}/_local/credentials/${encodeURIComponent(accessKeyId)}`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return undefined;
    const found = (await response.json()) as { secretAccessKey: string; sessionToken: string; identityId: string; expiresAt: string };
    const key: KnownKey = { secretAccessKey: found.secretAccessKey, sessionToken: found.sessionToken, identityId: found.identityId, expiresAt: found.expiresAt };
    identities.set(accessKeyId, key);
    return key;
  }
  return async (request) => {
    // CORS preflights carry no credentials (the browser sends them before the signed request).
    if (request.method === 'OPTIONS') return undefined;
    const signer = await authenticate({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers }, lookup);
    if ('refusal' in signer) return signer.refusal;
    // Service credentials: s3rver knows them and checks the untouched request again.
    if (signer.key.identityId === undefined) return undefined;
    if (!options.identityPolicy) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
    const denied = authorizeIdentity(options.identityPolicy, signer.key.identityId, request.method ?? 'GET', request.url ?? '/');
    if (!denied) dropSignature(request);
    return denied;
  };
}

/** The query parameters of a presigned request's signature (SigV4, and SigV2's). */
const SIGNATURE_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token', 'AWSAccessKeyId', 'Signature', 'Expires'];

/**
 * Takes the signature off a request the guard has accepted with identity credentials, so s3rver (which
 * knows only the service key and would refuse them) serves it. Its other parameters are kept as sent;
 * s3rver then refuses `response-*` overrides, as S3 does for anonymous requests (the functions presign
 * those with the service key, which passes unchanged).
 */
export function dropSignature(request: IncomingMessage): void {
  delete request.headers.authorization;
  delete request.headers['x-amz-security-token'];
  const [path, query = ''] = (request.url ?? '/').split(/\?(.*)/s, 2) as [string, string?];
  if (!query) return;
  const kept = query.split('&').filter((pair) => !SIGNATURE_PARAMS.includes(decodeURIComponent(pair.split('=')[0] ?? '')));
  request.url = kept.length ? `${path}?${kept.join('&')}` : path;
}
