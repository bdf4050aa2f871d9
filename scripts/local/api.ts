/**
 * The local stand-in for API Gateway's HTTP API: serves every `http` route of the manifest, turning each
 * request into a real payload-format-2.0 `APIGatewayProxyEventV2` and the handler's result back into an
 * HTTP response, with API Gateway's limits (6 MB Lambda payload -> 413, integration timeout -> 504).
 * A request no route matches goes, as on AWS, to the `$default` route's function (the manifest's
 * `http-default` trigger), which answers 404/405 in the envelope of the service the path belongs to;
 * without one it gets API Gateway's own `{"message":"Not Found"}`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FunctionSpec, HttpTrigger } from '../manifest';
import { invoke, LambdaTimeoutError } from './lambda';

/** Lambda's synchronous invocation payload limit (bytes), which caps request bodies behind API Gateway. */
export const LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024;

interface Route { fn: FunctionSpec; trigger: HttpTrigger; pattern: RegExp; params: string[] }

/**
 * Extra routes served beside the manifest's, e.g. `GET /_local/outbox`: `body` is sent as JSON, or as it
 * is with `contentType` (a page).
 */
export type LocalRoute = (request: IncomingMessage, url: URL) => Promise<{ status: number; body: unknown; contentType?: string } | undefined>;

function compile(fn: FunctionSpec, trigger: HttpTrigger): Route {
  const params: string[] = [];
  const source = trigger.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}+]+)(\+?)\}/g, (_, name: string, greedy: string) => {
    params.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { fn, trigger, pattern: new RegExp(`^${source}$`), params };
}

/** HTTP API passes these content types to Lambda as text; any other body arrives base64-encoded. */
const isTextual = (contentType = '') =>
  /^text\/|json|xml|javascript|x-www-form-urlencoded/i.test(contentType);

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Builds the v2 event API Gateway would send for `request`.
 * Headers are lower-cased and repeated ones joined with commas; cookies are split out; repeated query
 * parameters are joined with commas, as API Gateway does.
 */
export function toEvent(request: IncomingMessage, url: URL, route: Route, match: RegExpExecArray, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const pathParameters: Record<string, string> = {};
  route.params.forEach((name, index) => { pathParameters[name] = decodeURIComponent(match[index + 1]!); });
  const cookies = request.headers.cookie?.split(';').map((cookie) => cookie.trim()).filter(Boolean);
  const now = new Date();
  const routeKey = route.trigger.path === '$default' ? '$default' : `${route.trigger.method} ${route.trigger.path}`;
  const textual = isTextual(headers['content-type']);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: cookies?.length ? cookies : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: route.params.length ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127').split('.')[0]!,
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
    stageVariables: undefined,
  };
}

/** Writes a handler's result as API Gateway does for payload format 2.0 (a bare value is JSON 200). */
function writeResult(response: ServerResponse, result: unknown): void {
  const structured = (result && typeof result === 'object' && 'statusCode' in result)
    ? result as APIGatewayProxyStructuredResultV2
    : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const body = structured.body === undefined ? Buffer.alloc(0)
    : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | number | string[]> = { ...structured.headers as Record<string, string> };
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  headers['content-length'] = body.length;
  response.writeHead(structured.statusCode ?? 200, headers).end(body);
}

const sendJson = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** Options of {@link startHttpApi}. */
export interface HttpApiOptions {
  functions: FunctionSpec[];
  host?: string;
  /** 0 picks a free port. */
  port: number;
  localRoutes?: LocalRoute[];
  log?: (line: string) => void;
}

/** The running HTTP API. */
export interface HttpApi {
  server: Server;
  /** Base URL, `http://127.0.0.1:3000`. */
  url: string;
  /**
   * Starts the shutdown: from now on every request is answered 503 (`connection: close`), and this
   * resolves once the requests already in progress have been answered, or after `timeoutMs`.
   */
  drain(timeoutMs: number): Promise<void>;
  /** Stops listening and drops every connection left. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP API on `host:port`.
 * @returns the server, its base URL and the shutdown steps
 */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const routes = options.functions.flatMap((fn) => fn.trigger.type === 'http' ? [compile(fn, fn.trigger)] : []);
  const fallback = options.functions.find((fn) => fn.trigger.type === 'http-default');
  const defaultRoute = fallback && { ...compile(fallback, { type: 'http', method: 'ANY' as never, path: '$default', auth: 'none' }), pattern: /^/ };
  const log = options.log ?? (() => undefined);
  let draining = false;
  let inFlight = 0;
  let settled: (() => void) | undefined;
  const server = createServer(async (request, response) => {
    if (draining) {
      response.setHeader('connection', 'close');
      return sendJson(response, 503, { message: 'Service Unavailable: the local stack is stopping' });
    }
    inFlight += 1;
    response.once('close', () => { if (--inFlight === 0) settled?.(); });
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    try {
      for (const local of options.localRoutes ?? []) {
        const answer = await local(request, url);
        if (answer?.contentType) return response.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store' }).end(answer.body as string);
        if (answer) return sendJson(response, answer.status, answer.body);
      }
      const candidates = routes.map((route) => ({ route, match: route.pattern.exec(url.pathname) })).filter((c) => c.match);
      const found = candidates.find((c) => c.route.trigger.method === request.method)
        ?? (defaultRoute && { route: defaultRoute, match: defaultRoute.pattern.exec(url.pathname) });
      if (!found) return sendJson(response, 404, { message: 'Not Found' });
      const body = await readBody(request);
      const event = toEvent(request, url, found.route, found.match!, body);
      if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_LIMIT) {
        return sendJson(response, 413, { message: 'Request Entity Too Large' });
      }
      const result = await invoke(found.route.fn, event);
      writeResult(response, result);
      log(`${request.method} ${url.pathname} -> ${found.route.fn.name} ${response.statusCode} ${Date.now() - started} ms`);
    } catch (error) {
      const timedOut = error instanceof LambdaTimeoutError;
      log(`${request.method} ${url.pathname} failed: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) sendJson(response, timedOut ? 504 : 500, { message: timedOut ? 'Service Unavailable' : 'Internal Server Error' });
    }
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host ?? '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    async drain(timeoutMs) {
      draining = true;
      server.closeIdleConnections();
      if (inFlight === 0) return;
      await new Promise<void>((done) => {
        const timer = setTimeout(done, timeoutMs);
        settled = () => { clearTimeout(timer); done(); };
      });
    },
    async close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
}
