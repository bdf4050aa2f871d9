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
 * Middy middleware that authenticates the request: verifies the Cognito token, refuses tokens of a session
 * the user's last logout ended ({@link isRevoked}: begun before it), and sets `context.caller`.
 *
 * @throws 401 (http-errors, exposed) for a missing, malformed, expired, wrongly signed, wrong-issuer,
 *   wrong-client or revoked token. The reason is generic on purpose, and logged by the caller's logger.
 */
export function jwtAuth(options: JwtAuthOptions): MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, AuthContext> {
  return {
    before: async (request) => {
      const token = bearerToken(request.event.headers) ?? options.tokenFrom?.(request.event);
      if (!token) throw unauthorized('Missing bearer token: send Authorization: Bearer <Cognito ID or access token>');
      let caller: Caller;
      try {
        caller = await options.verifier.verify(token);
      } catch (cause) {
        const error = unauthorized('Invalid or expired token');
        (error as { cause?: unknown }).cause = cause;
        throw error;
      }
      if (isRevoked(caller, await options.revocations.revocation(caller.sub))) {
        throw unauthorized('Token has been revoked: log in again');
      }
      request.context.caller = caller;
    },
  };
}
