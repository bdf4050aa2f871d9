/**
 * Runs manifest functions the way Lambda would: the handler module loaded once (cold start), a Lambda
 * `Context`, and the function's timeout enforced. By default the handlers run from source in this
 * process; {@link useRuntime} hands them to another runtime (artefact mode: scripts/local/artefacts.ts).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { ROOT, type FunctionSpec } from '../manifest';

/** Thrown when an invocation runs past the function's timeout. */
export class LambdaTimeoutError extends Error {
  constructor(readonly functionName: string, readonly timeoutSeconds: number) {
    super(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'LambdaTimeoutError';
  }
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const loaded = new Map<string, Promise<Handler>>();

/** Where handlers run when not from source in this process (artefact mode). */
export interface FunctionRuntime {
  /** Runs one invocation of `fn`. @throws the handler's error */
  run(fn: FunctionSpec, event: unknown, context: Context): Promise<unknown>;
  /** The invocation `requestId` ran past its timeout: Lambda discards its execution environment. */
  timedOut(fn: FunctionSpec, requestId: string): void;
}

let runtime: FunctionRuntime | undefined;

/** Sends every later invocation to `next` (undefined: back to source in this process). */
export function useRuntime(next: FunctionRuntime | undefined): void {
  runtime = next;
}

async function load(fn: FunctionSpec): Promise<Handler> {
  let handler = loaded.get(fn.name);
  if (!handler) {
    handler = import(resolve(ROOT, fn.entry)).then((module: { handler?: Handler; default?: { handler?: Handler } }) => {
      const exported = module.handler ?? module.default?.handler;
      if (typeof exported !== 'function') throw new Error(`${fn.entry} does not export a handler`);
      return exported;
    });
    loaded.set(fn.name, handler);
  }
  return handler;
}

/**
 * Invokes a manifest function with `event`.
 * @returns whatever the handler returns
 * @throws the handler's error, or {@link LambdaTimeoutError} after `fn.timeout` seconds
 */
export async function invoke(fn: FunctionSpec, event: unknown): Promise<unknown> {
  const external = runtime;
  const handler: Handler = external ? (e, c) => external.run(fn, e, c) : await load(fn);
  const started = Date.now();
  const deadline = started + fn.timeout * 1000;
  const requestId = randomUUID();
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `darkroom-${fn.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:darkroom-${fn.name}`,
    memoryLimitInMB: String(fn.memory),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/darkroom-${fn.name}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      external?.timedOut(fn, requestId);
      reject(new LambdaTimeoutError(fn.name, fn.timeout));
    }, fn.timeout * 1000);
  });
  try {
    return await Promise.race([handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
