import { httpHandler, type RouteSchema } from '@darkroom/runtime';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** seed 003's `id_token` body field (the body parser has run when the JWT middleware reads it). */
const idToken = (event: APIGatewayProxyEventV2): string | undefined => {
  const body = event.body as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>).id_token;
  return typeof value === 'string' && value ? value : undefined;
};

/**
 * `httpHandler` as the generation and balancer routes use it: the datasets `{data, error, success,
 * message}` envelope and a Cognito token from `Authorization: Bearer` or seed 003's `id_token` body field.
 */
export const generationRoute = <S extends RouteSchema>(schema: S) => httpHandler({
  envelope: 'datasets', auth: 'required', schema, tokenFrom: idToken,
});

/** The `id_token` body field every seed 003 route accepts (validated as a string; verified by the JWT layer). */
export const ID_TOKEN_PROPERTY = { id_token: { type: 'string', minLength: 1, maxLength: 8192, description: 'Cognito ID token (seed 003); or send Authorization: Bearer' } } as const;
