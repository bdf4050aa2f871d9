/**
 * What integration tests use to talk to the local stack that global-setup.ts started: its endpoints,
 * an HTTP client for the API, real AWS SDK clients pointed at the emulators, and a ready-made user.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReadyStack } from '../../scripts/local/spawn';
import { checkResponse } from './contracts';

export type StackInfo = ReadyStack;

let info: StackInfo | undefined;
/** The running stack's endpoints and resource names. */
export function stack(): StackInfo {
  if (!info) {
    const file = process.env.DARKROOM_STACK_FILE;
    if (!file) throw new Error('DARKROOM_STACK_FILE is not set: run integration tests through jest (global-setup.ts)');
    info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  }
  return info;
}

export interface ApiResponse<T = any> { status: number; headers: Headers; body: T; raw: Buffer }

/** Options of {@link api}. */
export interface ApiOptions {
  method?: string;
  /** An object is sent as JSON; a Buffer, string or FormData as is (set content-type in headers for the first two). */
  body?: unknown;
  /** Another API than the stack's, e.g. one a test starts with startHttpApi(). */
  base?: string;
  token?: string;
  headers?: Record<string, string>;
  redirect?: 'follow' | 'manual';
  /**
   * Send from this loopback address (e.g. `127.0.0.2`: Linux routes all of 127/8 to lo), so the API sees
   * another client address (`requestContext.http.sourceIp`). Redirects are not followed then.
   */
  localAddress?: string;
}

/** A response body: parsed JSON when it is JSON, else its UTF-8 text. */
function parseBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  try { return JSON.parse(text); } catch { return text; }
}

/** One request with node:http from a given local address (fetch cannot choose it), answered like {@link api}. */
async function requestFrom(localAddress: string, url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<ApiResponse> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, localAddress }, async (incoming) => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const answered = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) if (value !== undefined) answered.set(name, Array.isArray(value) ? value.join(', ') : value);
      resolve({ status: incoming.statusCode ?? 0, headers: answered, body: parseBody(raw), raw });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Calls the local HTTP API. The body is parsed as JSON when it is JSON, and checked against the OpenAPI
 * document (test/support/contracts.ts).
 * @throws Error when the response is not what the route's contract documents
 */
export async function api<T = any>(path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: BodyInit | undefined;
  if (Buffer.isBuffer(options.body) || typeof options.body === 'string' || options.body instanceof FormData) body = options.body as BodyInit;
  else if (options.body !== undefined) { body = JSON.stringify(options.body); headers['content-type'] ??= 'application/json'; }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const base = options.base ?? stack().api;
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  let result: ApiResponse<T>;
  if (options.localAddress) result = await requestFrom(options.localAddress, `${base}${path}`, method, headers, body as string | Buffer | undefined) as ApiResponse<T>;
  else {
    const response = await fetch(`${base}${path}`, { method, headers, body, redirect: options.redirect ?? 'manual' });
    const raw = Buffer.from(await response.arrayBuffer());
    result = { status: response.status, headers: response.headers, body: parseBody(raw) as T, raw };
  }
  // Every answer must be what the OpenAPI document says (test/support/contracts.ts).
  await checkResponse({ method, path, status: result.status, headers: result.headers, body: result.body });
  return result;
}

/** Messages the stack would have delivered (Cognito codes, SES mail), newest first. `base`: another stack's API. */
export async function outbox(base?: string): Promise<Array<{ to: string; subject: string; text: string; at: string; code?: string; html?: string }>> {
  return (await fetch(base ? `${base}/_local/outbox` : stack().outbox)).json() as never;
}

/** The newest code sent to `email`, waiting up to 5 s for it. */
export async function latestCode(email: string, base?: string): Promise<string> {
  return waitFor(async () => (await outbox(base)).find((m) => m.to === email && m.code)?.code, { what: `a code for ${email}` });
}

/**
 * Polls `probe` until it returns a value other than undefined/false.
 * @throws Error after `timeout` ms (default 20,000)
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, options: { timeout?: number; interval?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 20_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'condition'}`);
    await new Promise((r) => setTimeout(r, options.interval ?? 200));
  }
}

/** Where a set of emulator clients points: the stack's endpoints, region and credentials. */
export interface EmulatorTarget {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: { s3: string; dynamodb: string; sqs: string; ses: string; cognito: string; ec2: string };
}

/** Real SDK clients for each emulator of a stack (S3 path-style, SES with a request timeout). */
export function clientsFor(target: EmulatorTarget) {
  const base = { region: target.region, credentials: target.credentials };
  const { endpoints } = target;
  return {
    s3: new S3Client({ ...base, endpoint: endpoints.s3, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ ...base, endpoint: endpoints.dynamodb })),
    sqs: new SQSClient({ ...base, endpoint: endpoints.sqs }),
    idp: new CognitoIdentityProviderClient({ ...base, endpoint: endpoints.cognito }),
    ses: new SESv2Client({ ...base, endpoint: endpoints.ses, requestHandler: { requestTimeout: 5_000 } }),
    ec2: new EC2Client({ ...base, endpoint: endpoints.ec2 }),
  };
}

/** Real SDK clients for the emulators of the stack global-setup.ts started. */
export function clients() {
  const { env, s3, dynamodb, sqs, ses, cognito, ec2 } = stack();
  return clientsFor({
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    endpoints: { s3, dynamodb, sqs, ses, cognito, ec2 },
  });
}

export interface TestUser {
  username: string; email: string; password: string; sub: string;
  idToken: string; accessToken: string; refreshToken: string;
  /** The identity pool's id of the user (`<region>:<uuid>`): their prefix of the datasets bucket. */
  identityId: string;
  /** The temporary AWS credentials the login answered. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date };
}

/** Signs up, confirms (code from the outbox) and logs in a new user through the API (of another stack when `base` is given). */
export async function newUser(prefix = 'user', base?: string): Promise<TestUser> {
  const id = randomUUID().slice(0, 8);
  const username = `${prefix}-${id}`;
  const email = `${username}@example.com`;
  const password = `Pass-${id}-Word1`;
  const signup = await api('/auth/user_signup', { body: { email, username, password }, base });
  if (signup.status !== 200) throw new Error(`sign-up failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const confirm = await api('/auth/auth_confirm', { body: { username, confirm_code: await latestCode(email, base) }, base });
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  const login = await api('/auth/user_login', { body: { username, password }, base });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const data = login.body.data;
  return {
    username, email, password, sub: data.user_sub, idToken: data.id_token, accessToken: data.token, refreshToken: data.refresh_token, identityId: data.identity_id,
    credentials: { accessKeyId: data.access_key, secretAccessKey: data.secret_key, sessionToken: data.session_key, expiration: new Date(data.expires_at) },
  };
}

/**
 * Uploads `data` with a presigned POST as a browser or curl would (multipart/form-data, fields first).
 * @returns the S3 response status
 */
export async function presignedPost(upload: { url: string; fields: Record<string, string> }, data: Buffer, fileName = 'file'): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(data)]), fileName);
  const response = await fetch(upload.url, { method: 'POST', body: form });
  await response.arrayBuffer();
  return response.status;
}

/** A unique suffix for names in a test. */
export const unique = () => randomUUID().slice(0, 8);
