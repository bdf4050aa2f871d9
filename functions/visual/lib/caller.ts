import { bearerToken, type Caller } from '@darkroom/jwt';
import { authDependencies, createError } from '@darkroom/runtime';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The caller of a route whose token is optional (issue 9: "when present the job belongs to that user"):
 * no Authorization header gives undefined; a header gives the verified, unrevoked caller, with the same
 * checks as the JWT layer's required mode (layers/jwt).
 * @throws 401 for a token that is malformed, expired, wrongly signed, from another pool or client, or revoked
 */
export async function optionalCaller(event: APIGatewayProxyEventV2): Promise<Caller | undefined> {
  const token = bearerToken(event.headers);
  if (!token) return undefined;
  const { verifier, revocations } = authDependencies();
  const unauthorized = (message: string) => createError(401, message, { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
  let caller: Caller;
  try {
    caller = await verifier.verify(token);
  } catch {
    throw unauthorized('Invalid or expired token');
  }
  const revokedBefore = await revocations.revokedBefore(caller.sub);
  if (revokedBefore !== undefined && caller.authTime <= revokedBefore) throw unauthorized('Token has been revoked: log in again');
  return caller;
}
