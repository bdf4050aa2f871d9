/**
 * `npm start`: the whole suite on this machine. Starts the emulators (stack.ts), the HTTP API on
 * 127.0.0.1:$PORT (3000) and the SQS pollers; keeps data under .local/; Ctrl-C stops every child.
 *
 * Environment: PORT (API port, default 3000), DARKROOM_DATA (data dir, default .local),
 * DARKROOM_BASE_PORT (first emulator port, default 4566; 0 = any free ports),
 * DARKROOM_RETRY_DELAY (seconds before a failed SQS record is retried; default: the queue's visibility
 * timeout, as on AWS), DARKROOM_READY_FILE (write the endpoints as JSON there once ready; used by tests),
 * DARKROOM_QUIET=1 (no per-request log lines), DARKROOM_ARTEFACTS=1 (same as `--artefacts`: run the built
 * zips in per-function processes, see artefacts.ts; DARKROOM_ARTEFACTS_NO_BUILD=1 takes dist/ as it is),
 * DARKROOM_WS_PORT (the WebSocket API's port, default PORT+1; 0 = a free port),
 * DARKROOM_SCHEDULES=off (no schedule timers: scheduled
 * functions run only on `POST /_local/schedule/<function-name>`), DARKROOM_POLLER_CONCURRENCY (SQS
 * batches in flight per worker; default the number of cores), DARKROOM_VISIBILITY_TIMEOUT (seconds a
 * received batch stays invisible; default each queue's own), DARKROOM_DRAIN_TIMEOUT (seconds a stop
 * waits for requests and batches in progress; default 30), DARKROOM_WORKERS_PAUSED=1 (SQS workers wait
 * for `POST /_local/workers/resume`, so a backlog can be built first), DARKROOM_FAULTS (fault rules
 * `service:error:probability[:operation],...`, changed at run time with `POST/GET/DELETE /_local/faults`;
 * see docs/FAULTS.md) and DARKROOM_FAULTS_SEED (integer: reproducible fault draws). A literal (non-reference) manifest variable
 * already set in this process's environment keeps that value (tests shorten RECONCILE_AFTER_SECONDS).
 *
 * SIGINT/SIGTERM stop in order: the API answers 503 to new requests and finishes the ones in progress,
 * the schedules and pollers stop and their batches in flight finish against the running emulators
 * (bounded by DARKROOM_DRAIN_TIMEOUT), then the emulators stop (S3 before SQS, whose journal keeps
 * every message not deleted); exit 0. A second signal kills everything at once.
 *
 * The functions' Powertools metrics (EMF lines) are counted, not printed: `GET /_local/metrics` serves
 * the counters and the stack prints a summary when it stops (metrics.ts): one line per metric, or every
 * series with DARKROOM_METRICS_SUMMARY=full; its last line is `stopped in <seconds> s`.
 */
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { functionEnvironment, loadManifest, parseReference, ROOT } from '../manifest';
import { startHttpApi } from './api';
import { killChildren, reapStale } from './emulators/children';
import { artefactModeRequested, startArtefactMode } from './artefacts';
import { MetricsCollector, tapStdout } from './metrics';
import { startPollers } from './pollers';
import { startSchedules } from './scheduler';
import { startStack } from './stack';
import { startWebSocketApis } from './websocket-gateway';
import { chatPageRoute } from './chat-page';
// --- fault injection
import { faultsRoute } from './faults/proxy';
import { faultOptionsFromEnvironment, FaultRuleError } from './faults/rules';
// --- end fault injection

// The SDK warns on every client that Node 20 loses support in 2027; Lambda runs nodejs22.x, and the
// local stack is a development tool: say it once in the README instead of on every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Set by the first SIGINT/SIGTERM; the shutdown, once there is something to shut down. */
let stopSignal: NodeJS.Signals | undefined;
let shutdown: ((signal: NodeJS.Signals) => Promise<void>) | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (stopSignal) {
    console.log(`\n${signal} again: killing everything`);
    killChildren();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
  stopSignal = signal;
  // Before the stack is up, main() notices stopSignal after the step in progress.
  void shutdown?.(signal);
}

async function main(): Promise<void> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // --- supervised by supervise.cjs (npm start): its pipe on stdin closes only if it dies unannounced.
  if (process.env.DARKROOM_SUPERVISED === '1') {
    const crash = () => { killChildren(); process.exit(1); };
    process.stdin.on('end', crash);
    process.stdin.on('error', crash);
    process.stdin.resume();
  }
  // --- end supervised
  const drainMs = Number(process.env.DARKROOM_DRAIN_TIMEOUT ?? 30) * 1000;
  const dataDir = resolve(ROOT, process.env.DARKROOM_DATA ?? '.local');
  const quiet = process.env.DARKROOM_QUIET === '1';
  const log = (line: string) => { if (!quiet) console.log(line); };
  const started = Date.now();
  const faultOptions = faultOptionsFromEnvironment(process.env);
  const manifest = loadManifest();
  // The emulators' own chatter goes to a file; the console shows what runs where and each request.
  mkdirSync(dataDir, { recursive: true });
  // A previous stack on this data dir that is still going down (its supervisor was SIGKILLed, and it is
  // killing its emulators) holds the ports this one needs: it goes first, then this stack takes its place.
  const pidFile = resolve(dataDir, 'start.pid');
  reapStale(pidFile, 'scripts/local/start.ts');
  writeFileSync(pidFile, String(process.pid));
  process.once('exit', () => rmSync(pidFile, { force: true }));
  const emulatorLog = createWriteStream(resolve(dataDir, 'emulators.log'), { flags: 'a' });
  const stack = await startStack({
    dataDir,
    basePort: process.env.DARKROOM_BASE_PORT === undefined ? 4566 : Number(process.env.DARKROOM_BASE_PORT),
    log: (line) => emulatorLog.write(`${new Date().toISOString()} ${line}\n`),
    ...faultOptions,
  });
  shutdown = async (signal) => {
    console.log(`\n${signal}: stopping`);
    await stack.stop();
    process.exit(0);
  };
  if (stopSignal) return shutdown(stopSignal);

  // WebSocket APIs (websocket-gateway.ts) listen before the environments resolve 'websocket:<name>'.
  const httpPort = Number(process.env.PORT ?? 3000);
  const websockets = await startWebSocketApis({
    functions: manifest.functions, websockets: manifest.resources.websockets, resources: stack.resources, log,
    port: process.env.DARKROOM_WS_PORT !== undefined ? Number(process.env.DARKROOM_WS_PORT) : httpPort === 0 ? 0 : httpPort + 1,
  });
  const chatSocket = websockets.get('chat');
  shutdown = async (signal) => {
    console.log(`\n${signal}: stopping`);
    await Promise.allSettled([...websockets.values()].map((gateway) => gateway.close()));
    await stack.stop();
    process.exit(0);
  };
  if (stopSignal) return shutdown(stopSignal);

  // Handlers read their configuration from process.env at load, as on Lambda. All functions share this
  // process, so the union of their environments is used: the manifest gives a variable one meaning.
  // POWERTOOLS_DEV turns metrics off unless POWERTOOLS_METRICS_DISABLED says otherwise: count them locally.
  const base: Record<string, string> = {
    ...stack.env, AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1', POWERTOOLS_DEV: 'true', POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'false',
    // As Lambda sets it; Powertools counts a ColdStart only for on-demand environments.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
  };
  // Each function's own environment (artefact mode gives each process just its own), resolved once.
  const environments = new Map<string, Record<string, string>>();
  const environment: Record<string, string> = { ...base };
  for (const fn of manifest.functions) {
    const own: Record<string, string> = {};
    for (const [name, resolved] of Object.entries(functionEnvironment(fn, (ref) => stack.resources[ref], stack.env))) {
      const literal = fn.env[name] !== undefined && !parseReference(fn.env[name]);
      own[name] = literal && process.env[name] !== undefined ? process.env[name] : resolved;
    }
    environments.set(fn.name, own);
    for (const [name, value] of Object.entries(own)) {
      if (name === 'POWERTOOLS_SERVICE_NAME') continue;
      if (environment[name] !== undefined && environment[name] !== value && !(name in stack.env)) {
        throw new Error(`manifest gives ${name} two values (${environment[name]} and ${value}); make them one`);
      }
      environment[name] = value;
    }
  }
  Object.assign(process.env, environment);
  const metrics = new MetricsCollector();
  const artefacts = artefactModeRequested()
    ? await startArtefactMode(manifest.functions, { metrics, log, environmentOf: (fn) => ({ ...base, ...environments.get(fn.name) }) })
    : (tapStdout(metrics), undefined);

  const schedules = startSchedules({ functions: manifest.functions, region: stack.region, timers: process.env.DARKROOM_SCHEDULES !== 'off', log });
  const sqs = new SQSClient({ region: stack.region, endpoint: stack.endpoints.sqs, credentials: stack.credentials });
  const seconds = (name: string) => process.env[name] === undefined ? undefined : Number(process.env[name]);
  const pollers = startPollers({
    sqs,
    functions: manifest.functions,
    queueUrl: (queue) => stack.resources[`queue:${queue}`]!,
    region: stack.region,
    retryDelaySeconds: seconds('DARKROOM_RETRY_DELAY'),
    visibilityTimeoutSeconds: seconds('DARKROOM_VISIBILITY_TIMEOUT'),
    concurrency: seconds('DARKROOM_POLLER_CONCURRENCY'),
    paused: process.env.DARKROOM_WORKERS_PAUSED === '1',
    log,
  });
  const api = await startHttpApi({
    functions: manifest.functions,
    port: httpPort,
    log,
    localRoutes: [
      ...(chatSocket ? [chatPageRoute(chatSocket.url)] : []),
      faultsRoute(stack.faults),
      async (request, url) => (request.method === 'GET' && url.pathname === '/_local/outbox')
        ? { status: 200, body: await stack.outbox() } : undefined,
      async (request, url) => {
        const name = /^\/_local\/schedule\/([^/]+)$/.exec(url.pathname)?.[1];
        if (!name || request.method !== 'POST') return undefined;
        const run = await schedules.runNow(decodeURIComponent(name));
        if (!run) return { status: 404, body: { message: `no scheduled function ${name}`, scheduled: schedules.rates } };
        return { status: run.error ? 502 : 200, body: run };
      },
      async (request, url) => (request.method === 'GET' && url.pathname === '/_local/metrics')
        ? { status: 200, body: { mode: artefacts ? 'artefacts' : 'source', ...metrics.snapshot() } } : undefined,
      async (request, url) => (request.method === 'POST' && url.pathname === '/_local/workers/resume')
        ? (pollers.resume(), { status: 200, body: { resumed: true } }) : undefined,
    ],
  });

  shutdown = async (signal) => {
    const stopping = Date.now();
    console.log(`\n${signal}: stopping (a second signal kills everything at once)`);
    await api.drain(drainMs);
    await Promise.allSettled([...websockets.values()].map((gateway) => gateway.close()));
    const [, cutOff] = await Promise.all([
      Promise.race([schedules.stop(), new Promise((r) => setTimeout(r, drainMs).unref())]),
      pollers.stop(drainMs),
    ]);
    await api.close();
    await artefacts?.stop();
    console.log(metrics.summary(process.env.DARKROOM_METRICS_SUMMARY === 'full' ? 'full' : 'groups'));
    await stack.stop();
    console.log(`stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s${cutOff
      ? `; ${cutOff} batch(es) cut off after ${drainMs / 1000} s: their messages return after the visibility timeout` : ''}`);
    process.exit(0);
  };
  if (stopSignal) return shutdown(stopSignal);

  const ready = { api: api.url, outbox: `${api.url}/_local/outbox`, metrics: `${api.url}/_local/metrics`, mode: artefacts ? 'artefacts' : 'source', websocket: chatSocket?.url, ...stack.endpoints, userPool: stack.userPool, dataDir, resources: stack.resources, env: stack.env };
  if (process.env.DARKROOM_READY_FILE) writeFileSync(process.env.DARKROOM_READY_FILE, JSON.stringify(ready, null, 2));
  const routes = manifest.functions.filter((fn) => fn.trigger.type === 'http').length;
  const workers = manifest.functions.filter((fn) => fn.trigger.type === 'sqs').map((fn) => fn.name);
  const scheduled = Object.entries(schedules.rates).map(([name, rate]) => `${name} ${rate}`);
  console.log([
    `Darkroom local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${dataDir}, emulator logs in ${resolve(dataDir, 'emulators.log')})`,
    `  HTTP API     ${api.url}   (${routes} routes from ${artefacts ? 'the built zips (artefact mode)' : 'source'}; GET /_local/outbox for mail and codes, /_local/metrics for metrics)`,
    ...(chatSocket ? [`  WebSocket    ${chatSocket.url}   (chat: subscribe, send; the chat page is ${api.url}/_local/chat)`] : []),
    `  Cognito      ${stack.endpoints.cognito}   pool ${stack.userPool.id}, client ${stack.userPool.clientId}`,
    `  DynamoDB     ${stack.endpoints.dynamodb}`,
    `  S3           ${stack.endpoints.s3}`,
    `  SQS          ${stack.endpoints.sqs}   workers: ${workers.join(', ')}`,
    `  SES          ${stack.endpoints.ses}`,
    `  Schedules    ${scheduled.length ? scheduled.join(', ') : 'none'}${process.env.DARKROOM_SCHEDULES === 'off' ? ' (timers off)' : ''}; POST /_local/schedule/<function> runs one now`,
    `  EC2 (fake)   ${stack.endpoints.ec2}`,
    'Ctrl-C stops everything.',
  ].join('\n'));
}

main().catch((error) => {
  // A bad DARKROOM_FAULTS says which part is wrong; no stack trace needed.
  if (error instanceof FaultRuleError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
