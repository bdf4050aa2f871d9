/**
 * The typed view of functions/manifest.json, the one list of what Darkroom deploys. The build, the local
 * stack and the tests read it through this module; Terraform reads the same file with jsondecode().
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { maxReceiveCountVariable } from '../layers/runtime/src/receive-count';

export const ROOT = resolve(__dirname, '..');
export const MANIFEST_PATH = resolve(ROOT, 'functions/manifest.json');

export interface HttpTrigger {
  type: 'http'; method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'; path: string; auth: 'required' | 'none'; binary?: boolean;
  /** The handler also takes its token from the body (seed 003's `id_token`): Terraform puts no gateway authorizer on the route. */
  bodyToken?: boolean;
}
export interface SqsTrigger { type: 'sqs'; queue: string; batchSize: number }
export interface CognitoTrigger { type: 'cognito'; pool: string; event: string }
/**
 * Runs the function on a fixed rate: an EventBridge rule on AWS, a timer in the local stack. The
 * function receives an EventBridge `ScheduledEvent` (`detail-type: "Scheduled Event"`).
 */
export interface ScheduleTrigger {
  type: 'schedule';
  /** An EventBridge rate expression, `rate(<value> <unit>)`, e.g. `rate(5 minutes)`; see {@link parseRate}. */
  rate: string;
}
/**
 * The HTTP API's `$default` route: every request that matches no other route (API Gateway HTTP API,
 * "Working with routes for HTTP APIs"). At most one function has it.
 */
export interface DefaultRouteTrigger { type: 'http-default' }
/**
 * A route of a WebSocket API (`resources.websockets`): `$connect`, `$disconnect`, `$default`, or a value
 * of the API's route selection expression (`subscribe`). API Gateway on AWS, scripts/local/websocket-gateway.ts
 * locally. `auth: required` (`$connect` only) verifies the handshake's Cognito token with the jwt layer.
 */
export interface WebSocketTrigger { type: 'websocket'; api: string; route: string; auth?: 'required' | 'none' }
export type Trigger = HttpTrigger | SqsTrigger | CognitoTrigger | ScheduleTrigger | DefaultRouteTrigger | WebSocketTrigger;

/** One permission: IAM actions on a manifest resource reference (`table:images`, `bucket:originals`, ...). */
export interface Permission { resource: string; actions: string[] }

export interface FunctionSpec {
  /** Unique, `<service>-<endpoint>`; the Lambda's name is `darkroom-<name>`. */
  name: string;
  /** Handler source, from the repository root; exports `handler`. */
  entry: string;
  trigger: Trigger;
  /** MB and seconds, as Lambda takes them. */
  memory: number;
  timeout: number;
  /** Environment: variable -> literal or resource reference `kind:name`. */
  env: Record<string, string>;
  permissions: Permission[];
  /** Layers besides jwt (which every auth-required function gets). */
  layers?: string[];
}

/** A global secondary index: string key attributes, every attribute projected. */
export interface IndexSpec { hashKey: string; rangeKey?: string }
export interface TableSpec {
  hashKey: string;
  rangeKey?: string;
  ttlAttribute?: string;
  /** Global secondary indexes by index name (projection ALL, string keys). */
  indexes?: Record<string, IndexSpec>;
}

/** Every key attribute of a table and its indexes, once each (all strings). */
export function keyAttributes(spec: TableSpec): string[] {
  const names = [spec.hashKey, spec.rangeKey, ...entries(spec.indexes ?? {}).flatMap(([, index]) => [index.hashKey, index.rangeKey])];
  return [...new Set(names.filter((name): name is string => Boolean(name)))];
}
export interface BucketSpec {
  expireDays?: number;
  /** A directory (from the repository root) whose files the bucket starts with, keyed by their relative paths. */
  seed?: string;
}
export interface QueueSpec {
  /** Seconds; at least 6x the consuming function's timeout. */
  visibilityTimeout: number;
  maxReceiveCount: number;
  /** The bucket whose object events feed the queue, which events, and S3's key filters (prefix, suffix). */
  source?: { bucket: string; events: string[]; prefix?: string; suffix?: string };
}
export interface PasswordPolicySpec {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
}
/** A WebSocket API: how API Gateway picks a route from a frame (`$request.body.action`). */
export interface WebSocketApiSpec { routeSelectionExpression: string }
export interface UserPoolSpec { passwordPolicy: PasswordPolicySpec; usernameAttributes: string[]; autoVerifiedAttributes: string[] }

/** The shared resources: what Terraform's storage, queues and auth modules and the local bootstrap create. */
export interface ManifestResources {
  tables: Record<string, TableSpec>;
  buckets: Record<string, BucketSpec>;
  queues: Record<string, QueueSpec>;
  userPools: Record<string, UserPoolSpec>;
  /** WebSocket APIs by name; `websocket:<name>` is the management endpoint (env) or its `@connections` (permissions). */
  websockets?: Record<string, WebSocketApiSpec>;
}

export interface Manifest {
  resources: ManifestResources;
  layers: Record<string, { path: string }>;
  functions: FunctionSpec[];
}

/**
 * Reads and parses the manifest.
 * @throws Error when the file is missing or not JSON
 */
export function loadManifest(path = MANIFEST_PATH): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** AWS name of a manifest resource: every table, bucket and queue is `darkroom-<name>`. */
export const awsName = (name: string): string => `darkroom-${name}`;

/** Entries of a manifest map without its `$comment` keys. */
export function entries<T>(map: Record<string, T>): Array<[string, T]> {
  return Object.entries(map).filter(([name]) => !name.startsWith('$'));
}

/** The service a function belongs to: the first segment of its name (`images-upload` -> `images`). */
export const serviceOf = (fn: FunctionSpec): string => fn.name.split('-')[0]!;

/** True when the function's route requires a token, so it gets the jwt layer and the auth config. */
export const requiresAuth = (fn: FunctionSpec): boolean => (fn.trigger.type === 'http' || fn.trigger.type === 'websocket') && fn.trigger.auth === 'required';

/** Layers a function loads: jwt for auth-required routes, then what it lists. */
export const layersOf = (fn: FunctionSpec): string[] => [...(requiresAuth(fn) ? ['jwt'] : []), ...(fn.layers ?? [])];

/**
 * EventBridge rate expressions: a positive whole value and minute(s), hour(s) or day(s), singular
 * exactly when the value is 1 (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-rate-expressions).
 */
export const RATE_EXPRESSION = /^rate\((?:1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;

const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/**
 * The period of an EventBridge rate expression.
 * @param rate - e.g. `rate(5 minutes)`, `rate(1 hour)`
 * @returns the period in seconds (`rate(5 minutes)` -> 300)
 * @throws Error when `rate` is not a valid rate expression (`rate(1 minutes)`, `rate(0 hours)`, cron)
 */
export function parseRate(rate: string): number {
  const match = RATE_EXPRESSION.exec(rate);
  if (!match) throw new Error(`"${rate}" is not an EventBridge rate expression such as rate(5 minutes)`);
  const value = match[2] === undefined ? 1 : Number(match[2]);
  const unit = (match[1] ?? match[3]!).replace(/s$/, '');
  return value * UNIT_SECONDS[unit]!;
}

/** A resource reference `kind:name` split in two; literals give `undefined`. */
export function parseReference(value: string): { kind: string; name: string } | undefined {
  const match = /^(table|bucket|queue|userpool|userpool_domain|var|ses|websocket):(.+)$/.exec(value);
  return match ? { kind: match[1]!, name: match[2]! } : undefined;
}

export { maxReceiveCountVariable } from '../layers/runtime/src/receive-count';

let manifestQueues: Record<string, QueueSpec> | undefined;

/**
 * The environment of one function, with references resolved by `resolve` (Terraform does the same with
 * real ARNs and names). Adds what every function gets: POWERTOOLS_SERVICE_NAME; for auth-required
 * routes USER_POOL_ID, USER_POOL_CLIENT_ID and AUTH_TABLE; for SQS-triggered functions their queue's
 * maxReceiveCount ({@link maxReceiveCountVariable}).
 * @param queues - the manifest's queues (default: functions/manifest.json's)
 * @throws Error naming the function and the reference `resolve` cannot resolve
 */
export function functionEnvironment(
  fn: FunctionSpec, resolve: (reference: string) => string | undefined, shared: Record<string, string> = {}, queues?: Record<string, QueueSpec>,
): Record<string, string> {
  const env: Record<string, string> = { POWERTOOLS_SERVICE_NAME: serviceOf(fn), ...shared };
  if (fn.trigger.type === 'sqs') {
    const spec = (queues ?? (manifestQueues ??= loadManifest().resources.queues))[fn.trigger.queue];
    if (!spec) throw new Error(`${fn.name}: no queue ${fn.trigger.queue} in the manifest`);
    env[maxReceiveCountVariable(fn.trigger.queue)] = String(spec.maxReceiveCount);
  }
  const wanted = { ...fn.env, ...(requiresAuth(fn) ? { AUTH_TABLE: 'table:auth' } : {}) };
  for (const [name, value] of Object.entries(wanted)) {
    if (!parseReference(value)) { env[name] = value; continue; }
    const resolved = resolve(value);
    if (resolved === undefined) throw new Error(`${fn.name}: cannot resolve ${name}=${value}`);
    env[name] = resolved;
  }
  return env;
}
