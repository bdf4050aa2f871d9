import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import createError from 'http-errors';
import type { Caller } from './caller';
import { isRevoked, type RevocationStore } from './revocations';
import type { TokenVerifier } from './verifier';

/** The Lambda context as the JWT middleware leaves it: `caller` set on authenticated routes. */
export interface AuthContext extends Context {
  caller?: Caller;
}

/** Options of {@link jwtAuth}. */
export interface JwtAuthOptions {
  verifier: TokenVerifier;
  revocations: RevocationStore;
  /**
   * Where else a token may come from when there is no Authorization header, e.g. the datasets
   * service's `id_token` body field (seed 003). Runs after body parsing.
   */
  tokenFrom?: (event: APIGatewayProxyEventV2) => string | undefined;
  /**
   * A second token the request may carry (seed 003's `access_token` body field next to `id_token`).
   * When present it is verified like the first and must name the same user (`sub`), else 401.
   */
  sameUserTokenFrom?: (event: APIGatewayProxyEventV2) => string | undefined;
}

/**
 * Reads the bearer token from `Authorization` (`Bearer <jwt>`, or the bare JWT as seed 002's clients
 * send it), case-insensitively.
 * @returns the compact JWT, or undefined when the header is absent or empty
 */
export function bearerToken(headers: Record<string, string | undefined> | undefined): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
  const value = key ? headers[key]?.trim() : undefined;
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return (match ? match[1] : value)?.trim() || undefined;
}

const unauthorized = (message: string) =>
  createError(401, message, { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });

/**
 * The caller `token` stands for, per `verifier`.
 * @throws 401 (http-errors, exposed) with `message` when the token does not verify; the verifier's error is its `cause`
 */
async function verifyOr401(verifier: TokenVerifier, token: string, message: string): Promise<Caller> {
  try {
    return await verifier.verify(token);
  } catch (cause) {
    const error = unauthorized(message);
    (error as { cause?: unknown }).cause = cause;
    throw error;
  }
}

/**
 * Middy middleware that authenticates the request: verifies the Cognito token, refuses tokens of a session
 * the user's last logout ended ({@link isRevoked}: begun before it), verifies the optional second
 * token (`sameUserTokenFrom`) and that it names the same user, and sets `context.caller`.
 *
 * @throws 401 (http-errors, exposed) for a missing, malformed, expired, wrongly signed, wrong-issuer,
 *   wrong-client or revoked token. The reason is generic on purpose, and logged by the caller's logger.
 */
export function jwtAuth(options: JwtAuthOptions): MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, AuthContext> {
  return {
    before: async (request) => {
      const token = bearerToken(request.event.headers) ?? options.tokenFrom?.(request.event);
      if (!token) throw unauthorized('Missing bearer token: send Authorization: Bearer <Cognito ID or access token>');
      const caller = await verifyOr401(options.verifier, token, 'Invalid or expired token');
      const revocation = await options.revocations.revocation(caller.sub);
      if (isRevoked(caller, revocation)) throw unauthorized('Token has been revoked: log in again');
      const second = options.sameUserTokenFrom?.(request.event);
      if (second !== undefined) {
        const other = await verifyOr401(options.verifier, second, 'Invalid or expired access_token');
        if (other.sub !== caller.sub) throw unauthorized('access_token belongs to another user');
        if (isRevoked(other, revocation)) throw unauthorized('access_token has been revoked: log in again');
      }
      request.context.caller = caller;
    },
  };
}
