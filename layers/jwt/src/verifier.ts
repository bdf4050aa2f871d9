import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { Caller } from './caller';
import { LoopbackHttpFetcher } from './fetcher';

/** Where tokens come from. On AWS only `userPoolId` and `clientId` are needed. */
export interface VerifierConfig {
  /** Cognito user pool id, e.g. `us-east-1_AbCdEf123`. */
  userPoolId: string;
  /** App client id the tokens must be issued to (`aud` of ID tokens, `client_id` of access tokens). */
  clientId: string;
  /**
   * Local stack only: the emulator's issuer (`http://127.0.0.1:<port>/<poolId>`) and JWKS URL.
   * When set, tokens are checked with aws-jwt-verify's `JwtRsaVerifier` against that issuer instead of
   * the `https://cognito-idp.<region>.amazonaws.com/<poolId>` issuer that `CognitoJwtVerifier` derives.
   */
  localIssuer?: string;
  localJwksUri?: string;
}

/** Verifies a raw JWT and returns its caller. */
export interface TokenVerifier {
  /**
   * @param token - the compact JWT (no `Bearer ` prefix)
   * @returns the caller the token names
   * @throws aws-jwt-verify's `JwtBaseError` subclasses for a malformed, expired, wrongly signed,
   *   wrong-issuer or wrong-client token
   */
  verify(token: string): Promise<Caller>;
}

/**
 * The session a token belongs to: `origin_jti` (Cognito adds it to ID and access tokens when the app
 * client has token revocation on, the default; tokens refreshed from one refresh token share it), else
 * `event_id` (the authentication event). Source: Amazon Cognito, "Using the access token" / "Revoking
 * tokens" (developer guide).
 */
export function sessionIdOf(payload: Record<string, unknown>): string | undefined {
  for (const claim of ['origin_jti', 'event_id']) {
    const value = payload[claim];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

function toCaller(payload: JwtPayload, token: string): Caller {
  const tokenUse = payload.token_use === 'id' ? 'id' : 'access';
  const username = String(payload['cognito:username'] ?? payload.username ?? payload.sub);
  const groups = payload['cognito:groups'];
  return {
    sub: String(payload.sub),
    username,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    groups: Array.isArray(groups) ? groups.map(String) : [],
    tokenUse,
    issuedAt: Number(payload.iat),
    expiresAt: Number(payload.exp),
    authTime: Math.min(Number(payload.auth_time ?? payload.iat), Number(payload.iat)),
    sessionId: sessionIdOf(payload),
    token,
  };
}

/**
 * Creates the verifier for Cognito ID and access tokens.
 *
 * On AWS this is aws-jwt-verify's `CognitoJwtVerifier` (issuer, `token_use`, client id, RS256 signature
 * against the pool's JWKS, expiry). Locally the same checks run through `JwtRsaVerifier` with the
 * emulator's issuer, the client id checked on `aud` (ID tokens) or `client_id` (access tokens), and a
 * JWKS fetcher limited to loopback HTTP.
 */
export function createTokenVerifier(config: VerifierConfig): TokenVerifier {
  if (config.localIssuer) {
    const jwksUri = config.localJwksUri ?? `${config.localIssuer}/.well-known/jwks.json`;
    const verifier = JwtRsaVerifier.create(
      {
        issuer: config.localIssuer,
        audience: null,
        jwksUri,
        customJwtCheck: ({ payload }) => {
          if (payload.token_use !== 'id' && payload.token_use !== 'access') {
            throw new Error(`token_use must be id or access, got ${String(payload.token_use)}`);
          }
          const client = payload.token_use === 'id' ? payload.aud : payload.client_id;
          if (client !== config.clientId) throw new Error('token was issued to another client');
        },
      },
      { jwksCache: new SimpleJwksCache({ fetcher: new LoopbackHttpFetcher() }) },
    );
    return { verify: async (token) => toCaller(await verifier.verify(token), token) };
  }
  const verifier = CognitoJwtVerifier.create({
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    tokenUse: null,
  });
  return { verify: async (token) => toCaller(await verifier.verify(token) as JwtPayload, token) };
}
