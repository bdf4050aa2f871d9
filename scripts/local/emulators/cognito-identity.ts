/**
 * Cognito Identity (identity pools): a small emulator of the two calls a signed-in client makes, GetId
 * and GetCredentialsForIdentity (AWS JSON 1.1 protocol, `X-Amz-Target: AWSCognitoIdentityService.<op>`).
 *
 * As AWS does for an identity pool with one user pool provider and no unauthenticated identities:
 * the `Logins` map must hold exactly `<issuer without scheme>: <ID token>`; the ID token is verified
 * against the local user pool (signature, issuer, `aud` = the app client, `token_use` = id, expiry);
 * one identity id (`<region>:<uuid>`) per user, kept across restarts; credentials are random, last
 * `credentialsTtl` seconds and name their identity, so the S3 front (s3-front.ts) can authenticate
 * them and apply the authenticated role's policy with `${cognito-identity.amazonaws.com:sub}` = that id.
 *
 * The S3 front looks credentials up with `GET /_local/credentials/<access key id>`.
 *
 * Sources: Amazon Cognito Identity API reference, GetId and GetCredentialsForIdentity
 * (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html,
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { LoopbackHttpFetcher } from '@darkroom/jwt';
import type { Emulator } from './dynamodb';

/** Temporary credentials of one identity, as the S3 front needs them. */
export interface IdentityCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  identityId: string;
  /** ISO 8601 UTC. */
  expiresAt: string;
}

/** Options of {@link startCognitoIdentity}. */
export interface CognitoIdentityOptions {
  /** JSON file of the pool id, the identities and the credentials issued (created if missing). */
  stateFile: string;
  host: string;
  port: number;
  region: string;
  /** The user pool whose ID tokens are accepted. */
  userPool: { issuer: string; jwksUri: string; clientId: string };
  /** Lifetime of issued credentials, seconds. Default 3,600 (AWS's for GetCredentialsForIdentity). */
  credentialsTtl?: number;
}

/** The running emulator. */
export interface CognitoIdentityEmulator extends Emulator {
  /** `<region>:<uuid>`, the same after a restart with the same state file. */
  identityPoolId: string;
}

interface State {
  identityPoolId: string;
  /** `<provider>|<sub>` -> identity id. */
  identities: Record<string, string>;
  /** access key id -> credentials. */
  credentials: Record<string, IdentityCredentials>;
}

/** An error as AWS JSON 1.1 services answer it: HTTP 400 and `{__type, message}`. */
class IdentityError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

/** The provider name a `Logins` map uses for a user pool: its issuer without the scheme. */
export const providerName = (issuer: string): string => issuer.replace(/^https?:\/\//, '');

/**
 * Starts the emulator on `host:port`.
 * @throws Error if the port is taken
 */
export async function startCognitoIdentity(options: CognitoIdentityOptions): Promise<CognitoIdentityEmulator> {
  const ttl = options.credentialsTtl ?? 3600;
  const state: State = existsSync(options.stateFile)
    ? JSON.parse(readFileSync(options.stateFile, 'utf8')) as State
    : { identityPoolId: `${options.region}:${randomUUID()}`, identities: {}, credentials: {} };
  const save = (): void => writeFileSync(options.stateFile, JSON.stringify(state, null, 2));
  save();
  const provider = providerName(options.userPool.issuer);
  const verifier = JwtRsaVerifier.create(
    { issuer: options.userPool.issuer, audience: options.userPool.clientId, jwksUri: options.userPool.jwksUri, customJwtCheck: ({ payload }) => {
      if (payload.token_use !== 'id') throw new Error('not an ID token');
    } },
    { jwksCache: new SimpleJwksCache({ fetcher: new LoopbackHttpFetcher() }) },
  );

  /** The `sub` of the one verified login of a request. */
  async function loginSub(input: { IdentityPoolId?: string; Logins?: Record<string, string> }): Promise<string> {
    const logins = Object.entries(input.Logins ?? {});
    if (logins.length === 0) throw new IdentityError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
    const [name, token] = logins[0]!;
    if (logins.length > 1 || name !== provider) throw new IdentityError('NotAuthorizedException', `Invalid login token. Unknown provider: ${logins.map(([n]) => n).join(', ')}`);
    try {
      return String((await verifier.verify(token)).sub);
    } catch (error) {
      throw new IdentityError('NotAuthorizedException', `Invalid login token. ${(error as Error).message}`);
    }
  }

  async function handle(target: string, input: Record<string, unknown>): Promise<unknown> {
    if (target === 'GetId') {
      if (input.IdentityPoolId !== state.identityPoolId) throw new IdentityError('ResourceNotFoundException', `IdentityPool '${String(input.IdentityPoolId)}' not found.`);
      const key = `${provider}|${await loginSub(input)}`;
      state.identities[key] ??= `${options.region}:${randomUUID()}`;
      save();
      return { IdentityId: state.identities[key] };
    }
    if (target === 'GetCredentialsForIdentity') {
      const identityId = String(input.IdentityId ?? '');
      const owner = Object.entries(state.identities).find(([, id]) => id === identityId)?.[0];
      if (!owner) throw new IdentityError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
      if (`${provider}|${await loginSub(input)}` !== owner) throw new IdentityError('NotAuthorizedException', 'Invalid login token. The token does not belong to this identity.');
      const now = Date.now();
      for (const [id, c] of Object.entries(state.credentials)) if (Date.parse(c.expiresAt) < now) delete state.credentials[id];
      const credentials: IdentityCredentials = {
        accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(96).toString('base64'),
        identityId,
        expiresAt: new Date(Math.floor(now / 1000) * 1000 + ttl * 1000).toISOString(),
      };
      state.credentials[credentials.accessKeyId] = credentials;
      save();
      return {
        IdentityId: identityId,
        Credentials: {
          AccessKeyId: credentials.accessKeyId, SecretKey: credentials.secretAccessKey, SessionToken: credentials.sessionToken,
          Expiration: Date.parse(credentials.expiresAt) / 1000,
        },
      };
    }
    throw new IdentityError('UnknownOperationException', `Unsupported operation: ${target}`);
  }

  const server: Server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      const lookup = /^\/_local\/credentials\/([A-Z0-9]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && lookup) {
        const found = state.credentials[lookup[1]!];
        return found ? res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found)) : res.writeHead(404).end();
      }
      const target = /^AWSCognitoIdentityService\.(\w+)$/.exec(String(req.headers['x-amz-target'] ?? ''))?.[1] ?? '';
      try {
        const answer = await handle(target, JSON.parse(body || '{}') as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
      } catch (error) {
        const known = error instanceof IdentityError ? error : new IdentityError('InternalErrorException', String(error), 500);
        res.writeHead(known.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': known.type })
          .end(JSON.stringify({ __type: known.type, message: known.message }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, options.host, resolve));
  return {
    endpoint: `http://${options.host}:${options.port}`,
    identityPoolId: state.identityPoolId,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
