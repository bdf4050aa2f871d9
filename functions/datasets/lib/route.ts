import { httpHandler, type RouteSchema } from '@darkroom/runtime';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A string field of the parsed JSON body (the body parser has run when the JWT middleware reads it). */
const bodyField = (name: string) => (event: APIGatewayProxyEventV2): string | undefined => {
  const body = event.body as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value ? value : undefined;
};

/** The body without seed 003's tokens, which a retry may rightly send refreshed. */
const withoutTokens = (body: unknown): unknown => {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const { id_token: _id, access_token: _access, ...rest } = body as Record<string, unknown>;
  return rest;
};

/**
 * `httpHandler` as every datasets route uses it: the `{data, error, success, message}` envelope, a
 * Cognito token from `Authorization: Bearer` or seed 003's `id_token` body field, and seed 003's
 * `access_token` body field, when sent, verified to belong to the same user (401 otherwise).
 * With `idempotency`, a repeated `Idempotency-Key` replays the first answer (the tokens may differ).
 */
export const datasetsRoute = <S extends RouteSchema>(schema: S, options: { idempotency?: boolean } = {}) => httpHandler({
  envelope: 'datasets', auth: 'required', schema, tokenFrom: bodyField('id_token'), sameUserTokenFrom: bodyField('access_token'),
  idempotency: options.idempotency ? { payload: withoutTokens } : undefined,
});
