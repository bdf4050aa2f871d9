import { bearerToken, jwtAuth, type AuthContext, type Caller } from '@darkroom/jwt';
import { authDependencies } from '@darkroom/runtime';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The caller of a route whose token is optional (issue 9: "when present the job belongs to that user"):
 * no Authorization header gives undefined; a header is checked by the JWT layer's own middleware
 * (`jwtAuth`, with the shared verifier and revocation store), so the checks are exactly the required mode's.
 * @throws 401 for a token that is malformed, expired, wrongly signed, from another pool or client, or revoked
 */
export async function optionalCaller(event: APIGatewayProxyEventV2): Promise<Caller | undefined> {
  if (!bearerToken(event.headers)) return undefined;
  const request = { event, context: {} as AuthContext, response: undefined, error: undefined, internal: {} };
  await jwtAuth(authDependencies()).before!(request as never);
  return request.context.caller;
}
