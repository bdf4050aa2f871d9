import middy, { type MiddlewareObj } from '@middy/core';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { jwtAuth, type AuthContext, type Caller } from '@darkroom/jwt';
import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { authDependencies } from './auth';
import { httpMetrics, invocationScoped, logger, tracer } from './observability';
import { describeValidationErrors, routeValidator, type PrecompiledValidator, type RouteSchema } from './schema';

/**
 * The event API Gateway sends a WebSocket route's Lambda (proxy integration). `$connect` also carries the
 * handshake's `headers` and `queryStringParameters`; message routes carry the frame in `body`.
 * Source: "Working with WebSocket APIs" / "$connect route" (API Gateway developer guide).
 */
export type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & {
  headers?: Record<string, string | undefined>;
  multiValueHeaders?: Record<string, string[] | undefined>;
};

/** What the route's Lambda returns: the `$connect` status, or the frame a two-way route answers with. */
export type WebSocketResult = APIGatewayProxyStructuredResultV2;

/**
 * A frame Darkroom sends down a socket: `type` says what it is (`message`, `subscribed`, `sent`, `error`,
 * ...). The route answers with one (API Gateway's route response), and the management API pushes others.
 */
export interface Frame { type: string; [field: string]: unknown }

/** The error frame: the HTTP status a REST route would have answered, and why. */
export interface ErrorFrame extends Frame { type: 'error'; status: number; message: string; action?: string }

/** Options of {@link websocketHandler}. */
export interface WebSocketHandlerOptions {
  /**
   * `$connect` only: authenticate the handshake with a Cognito token (the JWT layer, revocations included)
   * from, in this order, `Authorization: Bearer`, a `Sec-WebSocket-Protocol` entry that is a JWT (browsers
   * cannot set headers on a WebSocket), or the `token` query parameter. A refused token answers 401 and
   * API Gateway refuses the handshake with it.
   */
  connect?: boolean;
  /** Schema of the frame (`body` part only), validated after JSON parsing; precompiled in bundles. */
  schema?: RouteSchema | PrecompiledValidator;
}

/** What a WebSocket route's function receives. */
export interface WebSocketRequest {
  /** API Gateway's id of the connection (what PostToConnection takes). */
  connectionId: string;
  /** `$connect` with `connect: true`: the verified caller. */
  caller?: Caller;
  /** Message routes: the parsed and validated frame. */
  body: Record<string, unknown>;
  event: WebSocketEvent;
  context: Context;
}

/** `$connect` answers nothing or a status; message routes answer a frame (or nothing). */
export type WebSocketRoute = (request: WebSocketRequest) => Promise<Frame | undefined | void>;

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The entries of the handshake's `Sec-WebSocket-Protocol` header (RFC 6455 §4.1: comma-separated). */
export function offeredProtocols(event: WebSocketEvent): string[] {
  const headers = event.headers ?? {};
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'sec-websocket-protocol');
  return (name ? headers[name] ?? '' : '').split(',').map((entry) => entry.trim()).filter(Boolean);
}

/**
 * The token of a WebSocket handshake: the `Sec-WebSocket-Protocol` entry shaped like a compact JWT, else
 * the `token` query parameter. (`Authorization` is read by the JWT middleware itself.)
 */
export function handshakeToken(event: WebSocketEvent): string | undefined {
  return offeredProtocols(event).find((entry) => JWT_SHAPE.test(entry)) ?? event.queryStringParameters?.token ?? undefined;
}

/**
 * The subprotocol `$connect` accepts: RFC 6455 §4.2.2 has the server pick one of the client's entries, and
 * browsers close a socket whose answer names none. The first entry that is not the token is chosen; when
 * the token is the only entry, the token itself.
 */
export function chosenProtocol(event: WebSocketEvent): string | undefined {
  const offered = offeredProtocols(event);
  return offered.find((entry) => !JWT_SHAPE.test(entry)) ?? offered[0];
}

/** The frame of an error: 4xx keep their message, anything else is `Internal Server Error` (and logged). */
export function errorFrame(error: unknown, action?: string): ErrorFrame {
  const status = (error as { statusCode?: number }).statusCode;
  const exposed = typeof status === 'number' && status < 500;
  if (!exposed) logger.error('websocket route failed', error as Error);
  else logger.info('websocket request refused', { statusCode: status, reason: (error as Error).message });
  return { type: 'error', status: exposed ? status : 500, message: exposed ? (error as Error).message : 'Internal Server Error', ...(action ? { action } : {}) };
}

class FrameError extends Error {
  constructor(readonly statusCode: number, message: string) { super(message); }
}

/** Parses the frame's JSON body (an object) and validates it against the route's schema. */
const parseFrame = (schema?: RouteSchema | PrecompiledValidator): MiddlewareObj<WebSocketEvent> => {
  const validate = schema ? routeValidator(schema) : undefined;
  return {
    before: (request) => {
      const raw = request.event.isBase64Encoded ? Buffer.from(request.event.body ?? '', 'base64').toString('utf8') : request.event.body ?? '';
      let body: unknown;
      try { body = raw ? JSON.parse(raw) : {}; } catch { throw new FrameError(400, 'The frame is not valid JSON'); }
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new FrameError(400, 'The frame must be a JSON object');
      (request.event as { parsed?: unknown }).parsed = body;
      if (validate && !validate({ body })) throw new FrameError(400, describeValidationErrors(validate.errors));
    },
  };
};

/** Route metrics as {@link httpMetrics} counts them, with route `WS <route key>`. */
const websocketMetrics = (): MiddlewareObj<WebSocketEvent, WebSocketResult> => {
  const inner = httpMetrics<{ routeKey?: string }, WebSocketResult>();
  const view = (request: { event: WebSocketEvent; context: Context; response: WebSocketResult | null }) =>
    ({ event: { routeKey: `WS ${request.event.requestContext?.routeKey ?? 'unknown'}` }, context: request.context, response: request.response });
  return {
    after: (request) => inner.after(view(request)),
    onError: (request) => inner.onError(view(request)),
  };
};

/**
 * The one way to write a WebSocket route's Lambda (API Gateway WebSocket API, Lambda proxy integration).
 * Each invocation runs in its own logging and metrics scope ({@link invocationScoped}). Composes metrics and the tracer; for `$connect` with `connect: true`, the JWT layer on
 * the handshake's token ({@link handshakeToken}); for message routes, JSON parsing and the schema.
 *
 * `$connect` answers 200 (with the chosen `Sec-WebSocket-Protocol`, {@link chosenProtocol}) or the error's
 * status, which API Gateway turns into a refused handshake. Message routes answer the route's frame as
 * the route response body; a thrown error becomes an {@link ErrorFrame} (`status` as REST would answer,
 * 4xx messages kept, anything else `Internal Server Error`), so the socket stays open.
 */
export function websocketHandler(options: WebSocketHandlerOptions = {}) {
  return {
    handler(route: WebSocketRoute) {
      const stack = middy<WebSocketEvent, WebSocketResult, Error, AuthContext>()
        .use(websocketMetrics() as MiddlewareObj<WebSocketEvent, WebSocketResult, Error, AuthContext>)
        .use(captureLambdaHandler(tracer));
      const isConnect = options.connect === true;
      stack.use({
        onError: (request) => {
          const error = request.error;
          if (isConnect) {
            const frame = errorFrame(error);
            request.response = { statusCode: frame.status, body: frame.message };
          } else {
            const action = (request.event as { parsed?: { action?: unknown } }).parsed?.action;
            request.response = { statusCode: 200, body: JSON.stringify(errorFrame(error, typeof action === 'string' ? action : undefined)) };
          }
          request.error = null;
        },
      });
      if (isConnect) {
        stack.use(jwtAuth({ ...authDependencies(), tokenFrom: (event) => handshakeToken(event as unknown as WebSocketEvent) }) as unknown as MiddlewareObj<WebSocketEvent, WebSocketResult, Error, AuthContext>);
      } else {
        stack.use(parseFrame(options.schema));
      }
      return invocationScoped(stack.handler(async (event, context) => {
        const frame = await route({
          connectionId: event.requestContext.connectionId,
          caller: context.caller,
          body: ((event as { parsed?: Record<string, unknown> }).parsed) ?? {},
          event,
          context,
        });
        if (isConnect) {
          const protocol = chosenProtocol(event);
          return { statusCode: 200, ...(protocol ? { headers: { 'Sec-WebSocket-Protocol': protocol } } : {}) };
        }
        return frame ? { statusCode: 200, body: JSON.stringify(frame) } : { statusCode: 200 };
      }));
    },
  };
}
