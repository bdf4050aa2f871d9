/**
 * The local S3 endpoint: a thin HTTP front before s3rver. With a guard (s3-front-auth.ts) it
 * authenticates every request as S3 does (SigV4 header or presigned; identity credentials against their
 * role policy), refuses with S3's XML error, and passes what it accepts on to s3rver; browser-based POST
 * uploads it checks against their policy instead (s3-post-policy.ts). Without a guard, requests pass
 * through unchanged.
 */
import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkPostPolicy, errorXml, parsePostForm } from './s3-post-policy';
import type { RequestGuard } from './s3-front-auth';

/** Options of {@link startS3Front}. */
export interface S3FrontOptions {
  host: string;
  /** Port to listen on (0: any free port). */
  port: number;
  /** Where s3rver listens. */
  target: { host: string; port: number };
  /** Access key id -> secret access key. */
  credentials: Record<string, string>;
  /** Authenticates (and authorises) every request but POST uploads (s3-front-auth.ts); absent: none is checked. */
  guard?: RequestGuard;
}

function pass(request: IncomingMessage, response: ServerResponse, target: S3FrontOptions['target'], body?: Buffer): void {
  const upstream = forward({ host: target.host, port: target.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502).end(String(error));
  });
  if (body) upstream.end(body);
  else request.pipe(upstream);
}

/** The bucket of a POST to `/<bucket>` (an object POST, e.g. `?uploads`, has a key in its path). */
const postBucket = (request: IncomingMessage): string | undefined => {
  if (request.method !== 'POST' || !/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) return undefined;
  const path = new URL(request.url ?? '/', 'http://s3').pathname.split('/').filter(Boolean);
  return path.length === 1 ? decodeURIComponent(path[0]!) : undefined;
};

/**
 * Starts the front.
 * @returns the server and the port it listens on
 */
export async function startS3Front(options: S3FrontOptions): Promise<{ server: Server; port: number }> {
  const server = createServer(async (request, response) => {
    const bucket = postBucket(request);
    // --- request authentication (s3-front-auth.ts) ---
    if (!bucket && options.guard) {
      const denied = await options.guard(request).catch((error: unknown) => ({ status: 500, code: 'InternalError', message: String(error) }));
      if (denied) {
        request.resume();
        return response.writeHead(denied.status, { 'content-type': 'application/xml' }).end(errorXml(denied));
      }
    }
    // --- end of request authentication ---
    if (!bucket) return pass(request, response, options.target);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let refusal;
    try {
      refusal = checkPostPolicy(await parsePostForm(body, request.headers['content-type']!), bucket, (id) => options.credentials[id]);
    } catch {
      refusal = { status: 400, code: 'MalformedPOSTRequest', message: 'The body of your POST request is not well-formed multipart/form-data.' };
    }
    if (refusal) return response.writeHead(refusal.status, { 'content-type': 'application/xml' }).end(errorXml(refusal));
    pass(request, response, options.target, body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
