/**
 * Test tokens: an RSA key pair, its JWKS served on a loopback port, and RS256 JWTs shaped like Cognito's
 * ID and access tokens, so the JWT layer is tested with real signatures, not mocks.
 */
import { createPrivateKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestIssuer {
  issuer: string;
  jwksUri: string;
  clientId: string;
  sign(claims: Record<string, unknown>, options?: { key?: KeyObject; kid?: string }): string;
  idToken(sub: string, extra?: Record<string, unknown>): string;
  accessToken(sub: string, extra?: Record<string, unknown>): string;
  close(): Promise<void>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Another key, for "wrongly signed" cases. */
export const strangerKey = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

/** Starts a JWKS server on 127.0.0.1 and returns an issuer whose tokens verify against it. */
export async function startTestIssuer(clientId = 'testclientid', poolId = 'us-east-1_TestPool1'): Promise<TestIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}/${poolId}`;
  const sign: TestIssuer['sign'] = (claims, options = {}) => {
    const header = { alg: 'RS256', typ: 'JWT', kid: options.kid ?? 'test-key' };
    const body = `${b64url(header)}.${b64url(claims)}`;
    const signature = createSign('RSA-SHA256').update(body).sign(options.key ?? createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })));
    return `${body}.${signature.toString('base64url')}`;
  };
  const now = () => Math.floor(Date.now() / 1000);
  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    clientId,
    sign,
    idToken: (sub, extra = {}) => sign({
      sub, aud: clientId, iss: issuer, token_use: 'id', 'cognito:username': `user-${sub}`, email: `${sub}@example.com`,
      iat: now(), exp: now() + 3600, auth_time: now(), ...extra,
    }),
    accessToken: (sub, extra = {}) => sign({
      sub, client_id: clientId, iss: issuer, token_use: 'access', username: `user-${sub}`, scope: 'aws.cognito.signin.user.admin',
      iat: now(), exp: now() + 3600, auth_time: now(), jti: `${sub}-${now()}`, ...extra,
    }),
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
