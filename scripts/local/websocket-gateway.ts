/**
 * The local stand-in for an API Gateway WebSocket API, on the `ws` package: it does API Gateway's job for
 * the manifest's `websocket` functions. It gives each socket a connection id, invokes `$connect` with the
 * handshake (headers, query; a non-2xx answer refuses the handshake with that status), selects a route per
 * frame on the API's route selection expression (`$request.body.action`, else `$default`), sends the
 * route's answer back (the route response), invokes `$disconnect` when the socket closes, and serves the
 * `@connections` management API (POST/GET/DELETE `/<stage>/@connections/<id>`, 410 GoneException for a
 * connection that is not open), so the functions' real ApiGatewayManagementApiClient talks to it unchanged,
 * and closes connections idle for 10 minutes or open for 2 hours, as API Gateway does.
 * Sources: API Gateway developer guide, "WebSocket APIs" (route selection, $connect, route responses) and
 * the ApiGatewayManagementApi reference (PostToConnection, GetConnection, DeleteConnection).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { FunctionSpec, WebSocketApiSpec, WebSocketTrigger } from '../manifest';
import { invoke } from './lambda';

/** API Gateway's WebSocket message limit: 128 KB ("Amazon API Gateway quotas"). */
export const WEBSOCKET_MESSAGE_LIMIT = 128 * 1024;
/** API Gateway closes a WebSocket connection idle for 10 minutes, and any after 2 hours ("Amazon API Gateway quotas"). */
export const IDLE_TIMEOUT_MS = 10 * 60_000;
export const MAX_CONNECTION_MS = 2 * 3600_000;

/** Options of {@link startWebSocketGateway}. */
export interface WebSocketGatewayOptions {
  /** The manifest's functions; those with a `websocket` trigger on `api` are its routes. */
  functions: FunctionSpec[];
  /** Which WebSocket API of the manifest. */
  api: string;
  spec: WebSocketApiSpec;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The stage in URLs (`ws://host:port/<stage>`, management `http://host:port/<stage>`). Default `local`. */
  stage?: string;
  /** Idle and total limits of a connection (ms); default API Gateway's, {@link IDLE_TIMEOUT_MS} and {@link MAX_CONNECTION_MS}. */
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  log?: (line: string) => void;
}

/** The running gateway. */
export interface WebSocketGateway {
  /** Where clients connect: `ws://127.0.0.1:<port>/<stage>`. */
  url: string;
  /** The management endpoint the ApiGatewayManagementApiClient takes: `http://127.0.0.1:<port>/<stage>`. */
  managementEndpoint: string;
  /** Open connections. */
  connections(): number;
  /** Closes every socket (1001 going away; `$disconnect` runs for each) and stops listening. */
  close(): Promise<void>;
}

interface Open { socket: WebSocket; connectedAt: number; lastActiveAt: number; sourceIp: string; userAgent: string }

/** A connection id shaped like API Gateway's (`L0SM9cOFvHcCIhw=`: base64 of 10 random bytes). */
const newConnectionId = () => randomBytes(10).toString('base64');

/**
 * The route a frame selects under `$request.body.<field>`: the field's value when a route has that key,
 * else `$default`. Any other selection expression is refused at start.
 */
export function selectRoute(expression: string, routes: ReadonlySet<string>, frame: string): string {
  const field = /^\$request\.body\.([A-Za-z_][\w]*)$/.exec(expression)?.[1];
  if (!field) throw new Error(`unsupported route selection expression ${expression}`);
  try {
    const value = (JSON.parse(frame) as Record<string, unknown> | null)?.[field];
    if (typeof value === 'string' && !value.startsWith('$') && routes.has(value)) return value;
  } catch { /* not JSON: $default */ }
  return '$default';
}

/**
 * Starts the gateway on `host:port`.
 * @throws Error when the API's route selection expression is not `$request.body.<field>`
 */
export async function startWebSocketGateway(options: WebSocketGatewayOptions): Promise<WebSocketGateway> {
  const host = options.host ?? '127.0.0.1';
  const stage = options.stage ?? 'local';
  const log = options.log ?? (() => undefined);
  const routes = new Map<string, FunctionSpec>();
  for (const fn of options.functions) {
    if (fn.trigger.type === 'websocket' && (fn.trigger as WebSocketTrigger).api === options.api) routes.set(fn.trigger.route, fn);
  }
  selectRoute(options.spec.routeSelectionExpression, new Set(), '{}');
  const open = new Map<string, Open>();
  // `ws` answers with the subprotocol handleProtocols picks: the one `$connect` named, if the client offered it.
  const pendingProtocol = new WeakMap<IncomingMessage, string | undefined>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WEBSOCKET_MESSAGE_LIMIT,
    handleProtocols: (offered, request) => {
      const wanted = pendingProtocol.get(request);
      return wanted !== undefined && offered.has(wanted) ? wanted : false;
    },
  });
  let domainName = host;

  const context = (connectionId: string, routeKey: string, eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT', connectedAt: number, identity: { sourceIp: string; userAgent: string }) => {
    const now = new Date();
    return {
      routeKey, eventType, connectionId, connectedAt, stage, domainName, apiId: 'local', messageDirection: 'IN',
      messageId: eventType === 'MESSAGE' ? randomBytes(10).toString('base64') : undefined,
      extendedRequestId: randomUUID(), requestId: randomUUID(),
      requestTime: now.toUTCString(), requestTimeEpoch: now.getTime(),
      identity: { sourceIp: identity.sourceIp, userAgent: identity.userAgent },
    };
  };

  const refuse = (socket: Duplex, status: number, body = '') => {
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };

  async function disconnected(connectionId: string, code: number, reason: string): Promise<void> {
    const entry = open.get(connectionId);
    if (!entry) return;
    open.delete(connectionId);
    const fn = routes.get('$disconnect');
    if (!fn) return;
    try {
      await invoke(fn, {
        headers: {}, isBase64Encoded: false,
        requestContext: { ...context(connectionId, '$disconnect', 'DISCONNECT', entry.connectedAt, entry), disconnectStatusCode: code, disconnectReason: reason },
      });
    } catch (error) {
      log(`[ws] $disconnect of ${connectionId} failed: ${(error as Error).message}`);
    }
  }

  async function message(connectionId: string, data: RawData, isBinary: boolean): Promise<void> {
    const entry = open.get(connectionId);
    if (!entry) return;
    entry.lastActiveAt = Date.now();
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const text = buffer.toString('utf8');
    const routeKey = selectRoute(options.spec.routeSelectionExpression, new Set(routes.keys()), isBinary ? '' : text);
    const fn = routes.get(routeKey);
    const requestContext = context(connectionId, routeKey, 'MESSAGE', entry.connectedAt, entry);
    const started = Date.now();
    if (!fn) {
      // API Gateway's answer to a frame no route takes.
      entry.socket.send(JSON.stringify({ message: 'Forbidden', connectionId, requestId: requestContext.requestId }));
      return;
    }
    try {
      const result = await invoke(fn, { requestContext, body: isBinary ? buffer.toString('base64') : text, isBase64Encoded: isBinary }) as { body?: string; isBase64Encoded?: boolean } | undefined;
      // Every message route has a route response: the integration's body goes back to the client.
      if (result?.body && entry.socket.readyState === WebSocket.OPEN) {
        entry.socket.send(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      }
      log(`WS ${routeKey} -> ${fn.name} ${Date.now() - started} ms`);
    } catch (error) {
      log(`WS ${routeKey} -> ${fn.name} failed: ${(error as Error).stack ?? String(error)}`);
      if (entry.socket.readyState === WebSocket.OPEN) {
        entry.socket.send(JSON.stringify({ message: 'Internal server error', connectionId, requestId: requestContext.requestId }));
      }
    }
  }

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.replace(/\/$/, '') !== `/${stage}` && url.pathname !== '/') return refuse(socket, 404, 'Not Found');
    const connectionId = newConnectionId();
    const connectedAt = Date.now();
    const identity = { sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: String(request.headers['user-agent'] ?? '') };
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i]!;
      const value = request.rawHeaders[i + 1]!;
      headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
      (multiValueHeaders[name] ??= []).push(value);
    }
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) { query[name] = value; (multiQuery[name] ??= []).push(value); }
    const hasQuery = Object.keys(query).length > 0;
    let protocol: string | undefined;
    const fn = routes.get('$connect');
    if (fn) {
      let result: { statusCode?: number; headers?: Record<string, string>; body?: string } | undefined;
      try {
        result = await invoke(fn, {
          headers, multiValueHeaders, isBase64Encoded: false,
          ...(hasQuery ? { queryStringParameters: query, multiValueQueryStringParameters: multiQuery } : {}),
          requestContext: context(connectionId, '$connect', 'CONNECT', connectedAt, identity),
        }) as typeof result;
      } catch (error) {
        log(`WS $connect failed: ${(error as Error).stack ?? String(error)}`);
        return refuse(socket, 500, 'Internal server error');
      }
      const status = result?.statusCode ?? 200;
      log(`WS $connect -> ${fn.name} ${status} ${Date.now() - connectedAt} ms`);
      if (status < 200 || status > 299) return refuse(socket, status, result?.body ?? '');
      const answered = Object.entries(result?.headers ?? {}).find(([name]) => name.toLowerCase() === 'sec-websocket-protocol');
      protocol = answered?.[1];
    }
    pendingProtocol.set(request, protocol);
    wss.handleUpgrade(request, socket, head, (ws) => {
      const entry: Open = { socket: ws, connectedAt, lastActiveAt: connectedAt, ...identity };
      open.set(connectionId, entry);
      ws.on('message', (data, isBinary) => { void message(connectionId, data, isBinary); });
      ws.on('close', (code, reason) => { void disconnected(connectionId, code, reason.toString()); });
      ws.on('error', () => ws.terminate());
    });
  }

  /** The `@connections` API: PostToConnection (POST), GetConnection (GET), DeleteConnection (DELETE). */
  async function manage(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = new RegExp(`^/${stage}/@connections/([^/]+)$`).exec(url.pathname);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body === undefined ? '' : JSON.stringify(body));
    };
    if (!match) return json(404, { message: 'Not Found' });
    const connectionId = decodeURIComponent(match[1]!);
    const entry = open.get(connectionId);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (!entry || entry.socket.readyState !== WebSocket.OPEN) return json(410, { message: null }, { 'x-amzn-errortype': 'GoneException' });
    if (request.method === 'POST') {
      const data = Buffer.concat(chunks);
      if (data.length > WEBSOCKET_MESSAGE_LIMIT) return json(413, { message: 'Message too long' }, { 'x-amzn-errortype': 'PayloadTooLargeException' });
      entry.socket.send(data.toString('utf8'));
      return json(200, undefined);
    }
    if (request.method === 'GET') {
      return json(200, {
        connectedAt: new Date(entry.connectedAt).toISOString(), lastActiveAt: new Date(entry.lastActiveAt).toISOString(),
        identity: { sourceIp: entry.sourceIp, userAgent: entry.userAgent },
      });
    }
    if (request.method === 'DELETE') {
      entry.socket.close(1000, 'Going away');
      return json(204, undefined);
    }
    return json(405, { message: 'Method Not Allowed' });
  }

  // API Gateway's connection limits: a frame from the client counts as activity.
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const maxConnectionMs = options.maxConnectionMs ?? MAX_CONNECTION_MS;
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const entry of open.values()) {
      if (now - entry.lastActiveAt >= idleTimeoutMs || now - entry.connectedAt >= maxConnectionMs) entry.socket.close(1001, 'Going away');
    }
  }, Math.max(10, Math.min(30_000, Math.floor(Math.min(idleTimeoutMs, maxConnectionMs) / 4))));
  sweeper.unref();

  const server: Server = createServer((request, response) => {
    manage(request, response).catch((error) => {
      log(`[ws] management request failed: ${(error as Error).message}`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.on('upgrade', (request, socket, head) => {
    upgrade(request, socket, head).catch((error) => {
      log(`[ws] upgrade failed: ${(error as Error).message}`);
      socket.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, host, () => done());
  });
  const { port } = server.address() as AddressInfo;
  domainName = `${host}:${port}`;
  return {
    url: `ws://${host}:${port}/${stage}`,
    managementEndpoint: `http://${host}:${port}/${stage}`,
    connections: () => open.size,
    async close() {
      clearInterval(sweeper);
      const closing = [...open.entries()].map(([id, entry]) => {
        entry.socket.close(1001, 'Going away');
        return disconnected(id, 1001, 'Going away');
      });
      await Promise.allSettled(closing);
      wss.close();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Starts one gateway per WebSocket API of the manifest (`resources.websockets`) and resolves each
 * `websocket:<name>` reference in `resources` to its management endpoint, so the functions' environments
 * point at it. The first API listens on `port` (0: a free port), the others on free ports.
 * @returns the gateways by API name
 */
export async function startWebSocketApis(options: {
  functions: FunctionSpec[]; websockets: Record<string, WebSocketApiSpec> | undefined; resources: Record<string, string>;
  port: number; host?: string; log?: (line: string) => void;
}): Promise<Map<string, WebSocketGateway>> {
  const gateways = new Map<string, WebSocketGateway>();
  try {
    for (const [name, spec] of Object.entries(options.websockets ?? {}).filter(([key]) => !key.startsWith('$'))) {
      const gateway = await startWebSocketGateway({
        functions: options.functions, api: name, spec, host: options.host, port: gateways.size ? 0 : options.port, log: options.log,
      });
      gateways.set(name, gateway);
      options.resources[`websocket:${name}`] = gateway.managementEndpoint;
    }
  } catch (error) {
    await Promise.allSettled([...gateways.values()].map((g) => g.close()));
    throw error;
  }
  return gateways;
}
