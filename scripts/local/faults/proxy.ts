/**
 * The fault injector: one small HTTP front per emulated service, listening on the service's published
 * endpoint and passing every request through to the emulator behind it unchanged (method, path and
 * headers, Host included, so SigV4 signatures, presigned URLs and SQS queue URLs stay as they were).
 * When a rule of {@link FaultRules} fires for the request's operation, the front answers with that
 * service's AWS error instead (wire.ts), or, for `latency`, waits and then passes the request on.
 * With no rule for a service its requests are streamed through without being buffered.
 */
import { Agent, createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalRoute } from '../api';
import { checkFaultRule, FaultRuleError, parseFaultRules, type FaultRule, type FaultRules, type FaultService } from './rules';
import { wireError } from './wire';

/** The operation named by an `X-Amz-Target: <Service>.<Operation>` header (awsJson protocols). */
const targetOperation = (request: IncomingMessage): string | undefined => {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' ? target.slice(target.lastIndexOf('.') + 1) || undefined : undefined;
};

/** The S3 operation of a REST request, from its method, path and sub-resource (path-style addressing). */
export function s3Operation(method: string, url: URL, headers: IncomingMessage['headers']): string | undefined {
  const [, key] = url.pathname.replace(/^\/+/, '').split(/\/(.*)/s);
  const q = url.searchParams;
  if (q.has('uploads')) return method === 'POST' ? 'CreateMultipartUpload' : 'ListMultipartUploads';
  if (q.has('uploadId')) return ({ PUT: headers['x-amz-copy-source'] ? 'UploadPartCopy' : 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload', GET: 'ListParts' } as Record<string, string>)[method];
  if (q.has('delete') && method === 'POST') return 'DeleteObjects';
  if (q.has('tagging')) return ({ GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' } as Record<string, string>)[method];
  if (url.pathname === '/') return method === 'GET' ? 'ListBuckets' : undefined;
  if (!key) {
    if (method === 'POST') return 'PostObject';
    return ({ GET: q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', HEAD: 'HeadBucket', PUT: 'CreateBucket', DELETE: 'DeleteBucket' } as Record<string, string>)[method];
  }
  return ({ GET: 'GetObject', HEAD: 'HeadObject', PUT: headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject', DELETE: 'DeleteObject' } as Record<string, string>)[method];
}

/** The SES v2 operation of a REST request (the ones the project calls). */
const sesOperation = (method: string, url: URL): string | undefined =>
  method === 'POST' && url.pathname === '/v2/email/outbound-emails' ? 'SendEmail' : undefined;

/**
 * The AWS operation a request calls, or undefined when it is not an API call (e.g. Cognito's JWKS).
 * @param body - the buffered body; EC2's query protocol names the action there
 */
export function operationOf(service: FaultService, request: IncomingMessage, body?: Buffer): string | undefined {
  const url = new URL(request.url ?? '/', 'http://local');
  switch (service) {
    case 'dynamodb': case 'sqs': case 'cognito': return targetOperation(request);
    case 's3': return s3Operation(request.method ?? 'GET', url, request.headers);
    case 'ses': return sesOperation(request.method ?? 'GET', url);
    case 'ec2': return url.searchParams.get('Action') ?? (body ? new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined : undefined);
  }
}

/** Services whose operation or error answer needs the request body. */
const NEEDS_BODY: ReadonlySet<FaultService> = new Set(['dynamodb', 'ec2']);

const readAll = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export interface FaultFront {
  /** `http://host:port` of the front (the service's published endpoint). */
  endpoint: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts the front of `service` on `host:port`, passing requests through to `target` (`http://host:port`).
 * @throws Error if the port is taken
 */
export async function startFaultFront(service: FaultService, rules: FaultRules, host: string, port: number, target: string): Promise<FaultFront> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const pass = (request: IncomingMessage, response: ServerResponse, body?: Buffer): void => {
    const out = forward({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers, agent }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(response);
    });
    // An emulator that is down (a stack stopping or killed) looks to the client as it would without
    // the front: the connection drops, no made-up 502.
    out.on('error', () => response.socket?.destroy());
    if (body) out.end(body);
    else request.pipe(out);
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (!rules.touches(service)) return pass(request, response);
      const body = NEEDS_BODY.has(service) ? await readAll(request) : undefined;
      // What is not an API call the front can name (Cognito's JWKS, an SES route not listed) passes untouched.
      const operation = operationOf(service, request, body);
      const rule = operation === undefined ? undefined : rules.pick(service, operation);
      if (!rule) return pass(request, response, body);
      if (rule.error === 'latency') {
        await new Promise((r) => setTimeout(r, rule.latencyMs));
        return pass(request, response, body);
      }
      const answer = wireError(service, rule.error, { operation, method: request.method ?? 'GET', body });
      if (!body) request.resume();
      response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) }).end(answer.body);
    })().catch((error: Error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end(`fault injector: ${error.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${bound}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      agent.destroy();
    }),
  };
}

/**
 * Reads the body of `POST /_local/faults`: the compact form as text, or JSON `{"rules": "<compact>"}`
 * or `{"rules": [{"service", "error", "probability", "operation"?, "latencyMs"?}]}`.
 * @throws FaultRuleError naming the bad part
 */
export function readFaultRequest(text: string, contentType = ''): FaultRule[] {
  if (!/json/i.test(contentType) && !/^\s*[[{]/.test(text)) return parseFaultRules(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FaultRuleError('body is not JSON: send {"rules": "service:error:probability[:operation],..."} or the compact form as text/plain');
  }
  const rules = (parsed as { rules?: unknown } | null)?.rules;
  if (typeof rules === 'string') return parseFaultRules(rules);
  if (Array.isArray(rules)) return rules.map((rule, i) => checkFaultRule((rule ?? {}) as Record<string, unknown>, `rules[${i}]`));
  throw new FaultRuleError('body has no "rules": send {"rules": "service:error:probability[:operation],..."} or an array of rule objects');
}

/**
 * The `/_local/faults` route of the local API: `GET` lists the rules with how many faults each
 * injected, `POST` adds rules (400 naming the bad part of a bad one), `DELETE` removes them all.
 */
export function faultsRoute(rules: FaultRules): LocalRoute {
  return async (request, url) => {
    if (url.pathname !== '/_local/faults') return undefined;
    if (request.method === 'GET') return { status: 200, body: { rules: rules.list() } };
    if (request.method === 'DELETE') {
      const removed = rules.list().length;
      rules.clear();
      return { status: 200, body: { removed, rules: [] } };
    }
    if (request.method === 'POST') {
      const text = (await readAll(request)).toString('utf8');
      try {
        rules.add(readFaultRequest(text, request.headers['content-type']));
      } catch (error) {
        if (error instanceof FaultRuleError) return { status: 400, body: { message: error.message } };
        throw error;
      }
      return { status: 200, body: { rules: rules.list() } };
    }
    return { status: 405, body: { message: `${request.method} is not allowed on /_local/faults (GET, POST, DELETE)` } };
  };
}
