import middy, { type MiddlewareObj } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import validator from '@middy/validator';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { AuthContext, Caller } from '@darkroom/jwt';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { authenticate } from './auth';
import { envelopes, type EnvelopeName } from './envelopes';
import { httpMetrics, logger, tracer } from './observability';
import { HttpResult, RawHttpResult } from './response';
import { describeValidationErrors, routeValidator, type PrecompiledValidator, type RouteInput, type RouteSchema } from './schema';

type HttpEvent = APIGatewayProxyEventV2;
type HttpResponse = APIGatewayProxyStructuredResultV2;

/** How a route's body arrives: parsed JSON (default), untouched (binary uploads), or none (GET). */
export type BodyMode = 'json' | 'raw' | 'none';

/** Options of {@link httpHandler}. */
export interface HttpHandlerOptions<S extends RouteSchema, A extends 'required' | 'none'> {
  /** The service's response envelope (DESIGN.md §2). */
  envelope: EnvelopeName;
  /** `required`: a valid, unrevoked Cognito token (layers/jwt) or 401. */
  auth: A;
  /** The route's input schema (`schema.ts` next to the handler), precompiled in bundles. */
  schema?: S | PrecompiledValidator;
  /** Default `json`. */
  body?: BodyMode;
  /** Another place a token may be sent, e.g. seed 003's `id_token` body field. */
  tokenFrom?: (event: HttpEvent) => string | undefined;
  /** A second token the request may carry (seed 003's `access_token`): verified, and it must name the caller, else 401. */
  sameUserTokenFrom?: (event: HttpEvent) => string | undefined;
}

/** What a route's function receives. */
export interface HttpRequest<S extends RouteSchema, A extends 'required' | 'none'> {
  input: RouteInput<S>;
  caller: A extends 'required' ? Caller : undefined;
  event: HttpEvent;
  context: Context;
}

/** A route's domain call: returns the data for the envelope, or an {@link HttpResult}. */
export type RouteFunction<S extends RouteSchema, A extends 'required' | 'none'> =
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
const envelopeResponse = (name: EnvelopeName): MiddlewareObj<HttpEvent, HttpResponse> => {
  const envelope = envelopes[name];
  return {
    after: (request) => {
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
 * The one way to write an HTTP Lambda. Composes, in order: Powertools logger context, metrics
 * (ColdStart, `Requests` by route and outcome, the domain counters; see {@link httpMetrics}) and tracer, the
 * response envelope and @middy/http-error-handler, event normalisation, @middy/http-json-body-parser,
 * the JWT layer (when `auth: 'required'`), @middy/validator with the route's schema; then the route.
 *
 * The route returns data (200 in the envelope) or an {@link HttpResult}; it throws http-errors or
 * DomainErrors for 4xx. Statuses >= 500 answer `Internal Server Error` and are logged with their cause.
 *
 * @example
 * export const handler = httpHandler({ envelope: 'plain', auth: 'required', schema })
 *   .handler(async ({ caller, input }) => listPhotos(caller.sub, input.body));
 */
export function httpHandler<S extends RouteSchema, A extends 'required' | 'none'>(options: HttpHandlerOptions<S, A>) {
  const body = options.body ?? 'json';
  return {
    handler(route: RouteFunction<S, A>) {
      const stack = middy<HttpEvent, unknown, Error, AuthContext>()
        .use(injectLambdaContext(logger, { resetKeys: true }))
        .use(httpMetrics<HttpEvent, HttpResponse>() as MiddlewareObj<HttpEvent, unknown, Error, AuthContext>)
        .use(captureLambdaHandler(tracer))
        .use(envelopeResponse(options.envelope) as MiddlewareObj<HttpEvent, unknown, Error, AuthContext>)
        .use(httpErrorHandler({ logger: logError, fallbackMessage: 'Internal Server Error' }))
        .use(clarifyErrors())
        .use(normalizeEvent(body));
      if (body === 'json') stack.use(httpJsonBodyParser());
      if (options.auth === 'required') stack.use(authenticate(options.tokenFrom, options.sameUserTokenFrom));
      if (options.schema) stack.use(validator({ eventSchema: routeValidator(options.schema) }));
      return stack.handler(async (event, context) => route({
        input: { body: event.body, query: event.queryStringParameters ?? {}, path: event.pathParameters ?? {} } as RouteInput<S>,
        caller: context.caller as HttpRequest<S, A>['caller'],
        event,
        context,
      }));
    },
  };
}
