import middy, { type MiddlewareObj } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import validator from '@middy/validator';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { bearerToken, type AuthContext, type Caller } from '@darkroom/jwt';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { authenticate } from './auth';
import { envelopes, type EnvelopeName } from './envelopes';
import type { HttpIdempotencyOptions } from './idempotency';
import { httpMetrics, invocationScoped, logger, tracer } from './observability';
import { HttpResult, RawHttpResult } from './response';
import { describeValidationErrors, routeValidator, type PrecompiledValidator, type RouteInput, type RouteSchema } from './schema';

type HttpEvent = APIGatewayProxyEventV2;
type HttpResponse = APIGatewayProxyStructuredResultV2;

/** How a route's body arrives: parsed JSON (default), untouched (binary uploads), or none (GET). */
export type BodyMode = 'json' | 'raw' | 'none';

/**
 * Who may call a route: `required`, a valid, unrevoked Cognito token (layers/jwt) or 401; `optional`, no
 * token at all (no caller) or one that passes exactly the same checks (else 401); `none`, no token is read.
 */
export type AuthMode = 'required' | 'optional' | 'none';

/** Options of {@link httpHandler}. */
export interface HttpHandlerOptions<S extends RouteSchema, A extends AuthMode> {
  /**
   * The service's response envelope (DESIGN.md §2), or a function choosing it per request (the API's
   * `$default` route answers in the envelope of the service the path belongs to).
   */
  envelope: EnvelopeName | ((event: HttpEvent) => EnvelopeName);
  /** See {@link AuthMode}. */
  auth: A;
  /** The route's input schema (`schema.ts` next to the handler), precompiled in bundles. */
  schema?: S | PrecompiledValidator;
  /** Default `json`. */
  body?: BodyMode;
  /** Another place a token may be sent, e.g. seed 003's `id_token` body field. */
  tokenFrom?: (event: HttpEvent) => string | undefined;
  /** A second token the request may carry (seed 003's `access_token`): verified, and it must name the caller, else 401. */
  sameUserTokenFrom?: (event: HttpEvent) => string | undefined;
  /**
   * A request carrying an `Idempotency-Key` header answers, when repeated, what its first run answered
   * (status, headers, body; 2xx only) without running again: for POSTs that create something, so a client
   * can retry safely. Needs `IDEMPOTENCY_TABLE` and the table's permissions. See {@link httpIdempotency}.
   */
  idempotency?: boolean | HttpIdempotencyOptions;
}

/** What a route's function receives. */
export interface HttpRequest<S extends RouteSchema, A extends AuthMode> {
  input: RouteInput<S>;
  caller: A extends 'required' ? Caller : A extends 'optional' ? Caller | undefined : undefined;
  event: HttpEvent;
  context: Context;
}

/** A route's domain call: returns the data for the envelope, or an {@link HttpResult}. */
export type RouteFunction<S extends RouteSchema, A extends AuthMode> =
  (request: HttpRequest<S, A>) => Promise<unknown>;

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

/**
 * Gives every request the shape the validator and the route expect: an empty query and path object
 * instead of none, and `{}` for an empty JSON body (so "field is required" is reported, not "bad JSON").
 */
const normalizeEvent = (body: BodyMode): MiddlewareObj<HttpEvent> => ({
  before: ({ event }) => {
    event.headers ??= {};
    event.queryStringParameters ??= {};
    event.pathParameters ??= {};
    if (body === 'json' && (event.body === undefined || event.body === null || event.body === '')) {
      event.body = '{}';
      event.isBase64Encoded = false;
      event.headers['content-type'] = 'application/json';
    }
  },
});

/** What a library's 4xx says instead of its own text, by status, when no better sentence is known. */
const LIBRARY_REFUSALS: Record<number, string> = {
  400: 'The request is not valid',
  413: 'The request body is too large',
  415: 'The request body is not in a format this route accepts',
  422: 'The request body could not be processed',
};

/**
 * Rewrites the errors of Middy's parsers and validator (any error whose `cause.package` names the
 * library that raised it) into clear 4xx messages of our own. The library's text and data (ajv errors,
 * JSON.parse's and busboy's messages) go to the log, never into the response.
 */
const clarifyErrors = (): MiddlewareObj<HttpEvent> => ({
  onError: (request) => {
    const error = request.error as (Error & { statusCode?: number; cause?: { package?: string; data?: unknown } }) | null;
    const source = error?.cause?.package;
    if (!error || !source) return;
    logger.info('request refused by a library', { package: source, detail: error.message, data: error.cause?.data });
    if (source === '@middy/validator') {
      error.message = describeValidationErrors(error.cause?.data as never);
    } else if (source === '@middy/http-json-body-parser') {
      const invalid = error.message.startsWith('Invalid');
      error.statusCode = invalid ? 400 : 415;
      error.message = invalid ? 'Request body is not valid JSON' : 'Content-Type must be application/json';
    } else if (error.statusCode && error.statusCode < 500) {
      error.message = LIBRARY_REFUSALS[error.statusCode] ?? 'The request was refused';
    }
  },
});

/** Puts results and errors into the service's envelope, as JSON (a {@link RawHttpResult} goes out as it is). */
const envelopeResponse = (name: EnvelopeName | ((event: HttpEvent) => EnvelopeName)): MiddlewareObj<HttpEvent, HttpResponse> => {
  const envelopeOf = typeof name === 'function' ? (event: HttpEvent) => envelopes[name(event)] : () => envelopes[name];
  return {
    after: (request) => {
      const envelope = envelopeOf(request.event);
      const raw = request.response as unknown;
      if (raw instanceof RawHttpResult) {
        request.response = { statusCode: raw.statusCode, headers: { ...raw.headers }, body: raw.body };
        return;
      }
      const result = raw instanceof HttpResult ? raw : new HttpResult(raw);
      request.response = {
        statusCode: result.statusCode,
        headers: { ...JSON_HEADERS, ...result.headers },
        body: JSON.stringify(envelope.success(result.data, result.message)),
      };
    },
    onError: (request) => {
      const response = request.response;
      if (!response) return;
      const envelope = envelopeOf(request.event);
      const message = typeof response.body === 'string' && response.body ? response.body : 'Internal Server Error';
      response.headers = { ...response.headers, ...JSON_HEADERS };
      response.body = JSON.stringify(envelope.failure(message));
    },
  };
};

/** 4xx are the client's business (logged at info); anything else is ours (logged with its cause). */
const logError = (error: Error & { statusCode?: number }) => {
  if (error.statusCode && error.statusCode < 500) logger.info('request refused', { statusCode: error.statusCode, reason: error.message });
  else logger.error('request failed', error);
};

/**
 * The JWT middleware for `auth: 'optional'`: a request with no token anywhere it may be sent has no
 * caller; one with a token is checked exactly as in `required` mode.
 */
const optionalAuthentication = (
  tokenFrom?: HttpHandlerOptions<RouteSchema, AuthMode>['tokenFrom'], sameUserTokenFrom?: HttpHandlerOptions<RouteSchema, AuthMode>['sameUserTokenFrom'],
): MiddlewareObj<HttpEvent, unknown, Error, AuthContext> => {
  let required: MiddlewareObj<HttpEvent, unknown, Error, AuthContext> | undefined;
  return {
    before: async (request) => {
      if (!bearerToken(request.event.headers) && !tokenFrom?.(request.event)) return undefined;
      required ??= authenticate(tokenFrom, sameUserTokenFrom);
      return required.before!(request);
    },
  };
};

/** The idempotency middlewares, loaded on first use: routes without the option never initialise Powertools idempotency. */
function lazyIdempotency(options: HttpIdempotencyOptions, onReplay: Parameters<typeof import('./idempotency').httpIdempotency>[1]): { replay: MiddlewareObj<HttpEvent>; store: MiddlewareObj<HttpEvent> } {
  let loaded: Promise<ReturnType<typeof import('./idempotency').httpIdempotency>> | undefined;
  const get = () => (loaded ??= import('./idempotency').then(({ httpIdempotency }) => httpIdempotency(options, onReplay)));
  return {
    replay: { before: async (request) => (await get()).replay.before!(request as never) },
    store: {
      after: async (request) => (await get()).store.after!(request as never),
      onError: async (request) => (await get()).store.onError!(request as never),
    },
  };
}

/**
 * The one way to write an HTTP Lambda. Each invocation runs in its own logging and metrics scope
 * ({@link invocationScoped}: the function's service, its own child logger). Composes, in order: metrics
 * (ColdStart, `Requests` by route and outcome, the domain counters; see {@link httpMetrics}), the stored
 * answers of `idempotency`, the tracer, the response envelope and @middy/http-error-handler, event
 * normalisation, @middy/http-json-body-parser, the JWT layer (`auth: 'required'` or `'optional'`),
 * @middy/validator with the route's schema, the replay of `idempotency`; then the route.
 *
 * The route returns data (200 in the envelope) or an {@link HttpResult}; it throws http-errors or
 * DomainErrors for 4xx. Statuses >= 500 answer `Internal Server Error` and are logged with their cause.
 *
 * @example
 * export const handler = httpHandler({ envelope: 'plain', auth: 'required', schema })
 *   .handler(async ({ caller, input }) => listPhotos(caller.sub, input.body));
 */
export function httpHandler<S extends RouteSchema, A extends AuthMode>(options: HttpHandlerOptions<S, A>) {
  const body = options.body ?? 'json';
  const metered = httpMetrics<HttpEvent, HttpResponse>();
  const idempotency = options.idempotency
    ? lazyIdempotency(options.idempotency === true ? {} : options.idempotency, (replayed) => metered.after(replayed as never))
    : undefined;
  return {
    handler(route: RouteFunction<S, A>) {
      const stack = middy<HttpEvent, unknown, Error, AuthContext>()
        .use(metered as MiddlewareObj<HttpEvent, unknown, Error, AuthContext>);
      if (idempotency) stack.use(idempotency.store as MiddlewareObj<HttpEvent, unknown, Error, AuthContext>);
      stack.use(captureLambdaHandler(tracer))
        .use(envelopeResponse(options.envelope) as MiddlewareObj<HttpEvent, unknown, Error, AuthContext>)
        .use(httpErrorHandler({ logger: logError, fallbackMessage: 'Internal Server Error' }))
        .use(clarifyErrors())
        .use(normalizeEvent(body));
      if (body === 'json') stack.use(httpJsonBodyParser());
      if (options.auth === 'required') stack.use(authenticate(options.tokenFrom, options.sameUserTokenFrom));
      if (options.auth === 'optional') stack.use(optionalAuthentication(options.tokenFrom, options.sameUserTokenFrom));
      if (options.schema) stack.use(validator({ eventSchema: routeValidator(options.schema) }));
      if (idempotency) stack.use(idempotency.replay as MiddlewareObj<HttpEvent, unknown, Error, AuthContext>);
      return invocationScoped(stack.handler(async (event, context) => route({
        input: { body: event.body, query: event.queryStringParameters ?? {}, path: event.pathParameters ?? {} } as RouteInput<S>,
        caller: context.caller as HttpRequest<S, A>['caller'],
        event,
        context,
      })));
    },
  };
}
