import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { isLocal } from './config';

/**
 * The service a function belongs to: `POWERTOOLS_SERVICE_NAME` when set (Terraform sets it per function),
 * else the first segment of the function's manifest name (`darkroom-images-upload` -> `images`), which
 * is how the local stack, running every function in one process, tells them apart.
 */
export function serviceOf(functionName?: string): string {
  const configured = process.env.POWERTOOLS_SERVICE_NAME?.trim();
  if (configured) return configured;
  return functionName?.replace(/^darkroom-/, '').split('-')[0] || 'darkroom';
}

const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Darkroom';
/** Logs and metrics outside any invocation (module initialisation). */
const rootLogger = new Logger({ serviceName: serviceOf() });
const rootMetrics = new Metrics({ namespace, serviceName: serviceOf() });

/** One invocation's own logger and metrics. */
interface Invocation { logger: Logger; metrics: Metrics }
const invocation = new AsyncLocalStorage<Invocation>();
const warmFunctions = new Set<string>();

/**
 * Starts an invocation: a child logger carrying the function's service and Lambda context, and a metrics
 * instance with the service dimension. The first invocation of each function name counts `ColdStart`
 * (dimension function_name) and logs `cold_start: true`.
 */
function begin(context: Context): Invocation {
  const serviceName = serviceOf(context.functionName);
  const cold = !warmFunctions.has(context.functionName);
  warmFunctions.add(context.functionName);
  const logger = rootLogger.createChild({ serviceName });
  logger.addContext(context);
  // A new logger records cold_start: true on its first addContext and false on later ones: a warm function's adds twice.
  if (!cold) logger.addContext(context);
  const metrics = new Metrics({ namespace, serviceName });
  if (cold) metrics.captureColdStartMetric(context.functionName);
  return { logger, metrics };
}

/**
 * An object whose every property is the current invocation's (or, outside one, the root's). Methods are
 * stable dispatchers, so a spy installed on the object (jest.spyOn) sees the calls of every invocation.
 */
function perInvocation<T extends object>(root: T, pick: (current: Invocation) => T): T {
  const target = (): T => { const current = invocation.getStore(); return current ? pick(current) : root; };
  const replaced = new Map<PropertyKey, unknown>();
  const dispatchers = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  return new Proxy(root, {
    get: (_, property) => {
      if (replaced.has(property)) return replaced.get(property);
      const self = target();
      const value = Reflect.get(self, property, self) as unknown;
      if (typeof value !== 'function') return value;
      let dispatch = dispatchers.get(property);
      if (!dispatch) {
        dispatch = (...args: unknown[]) => {
          const current = target();
          return (Reflect.get(current, property, current) as (...a: unknown[]) => unknown).apply(current, args);
        };
        dispatchers.set(property, dispatch);
      }
      return dispatch;
    },
    set: (_, property, value) => {
      if (typeof value === 'function') replaced.set(property, value);
      else return Reflect.set(target(), property, value);
      return true;
    },
  });
}

/**
 * The Powertools logger. Inside a handler made by the runtime's factories (or {@link invocationScoped})
 * it is the invocation's own child logger: service from {@link serviceOf}, the Lambda context, keys
 * appended during the invocation; so concurrent invocations in one process (the local stack) never mix.
 */
export const logger: Logger = perInvocation(rootLogger, (current) => current.logger);
export const tracer = new Tracer({ enabled: process.env.POWERTOOLS_TRACE_ENABLED !== 'false' && !isLocal() });
/**
 * CloudWatch metrics in Embedded Metric Format, namespace `Darkroom` (POWERTOOLS_METRICS_NAMESPACE
 * overrides), dimension `service` ({@link serviceOf}); per invocation, like {@link logger}. Domain code
 * counts with `metrics.addMetric(name, MetricUnit.Count, 1)`; the factories publish what was counted.
 */
export const metrics: Metrics = perInvocation(rootMetrics, (current) => current.metrics);
export { MetricUnit } from '@aws-lambda-powertools/metrics';

type LambdaFunction = (event: never, context: Context) => Promise<unknown>;
const CHAINED = ['use', 'before', 'after', 'onError'] as const;

/**
 * Runs every invocation of `handler` in its own scope (AsyncLocalStorage), where {@link logger} and
 * {@link metrics} are that invocation's. Middy's chaining methods (`use`, `before`, `after`, `onError`)
 * still work on the result and return it.
 */
export function invocationScoped<H extends LambdaFunction>(handler: H): H {
  const scoped = ((event: never, context: Context) => invocation.run(begin(context), () => handler(event, context))) as unknown as H;
  const methods = handler as unknown as Record<string, unknown>;
  for (const name of CHAINED) {
    const method = methods[name];
    if (typeof method !== 'function') continue;
    (scoped as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => { (method as (...a: unknown[]) => unknown).apply(handler, args); return scoped; };
  }
  return scoped;
}

/** The part of a Middy request the metrics middlewares read. */
interface MeteredRequest<E, R> { event: E; context: { functionName: string }; response?: R | null }

/** Publishes what the invocation's domain code counted (one EMF line), if anything. */
const publishStored = () => { if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics(); };

/** `outcome` dimension of an HTTP status: `2xx`, `3xx`, `4xx` or `5xx`. */
export const statusClass = (statusCode: number): string => `${Math.floor(statusCode / 100)}xx`;

/**
 * Middy middleware of {@link httpHandler} (the `ColdStart` metric comes from {@link invocationScoped}): one `Requests` count per request with dimensions `route` (API Gateway's
 * route key, `POST /images/upload`) and `outcome` ({@link statusClass}), and the invocation's domain
 * counters, all as CloudWatch Embedded Metric Format on stdout (Powertools Metrics).
 * Use it outermost, so it sees the response the error handler made.
 */
export const httpMetrics = <E extends { routeKey?: string }, R extends { statusCode?: number }>() => {
  const record = (request: MeteredRequest<E, R>) => {
    const single = metrics.singleMetric();
    single.addDimensions({ route: request.event.routeKey ?? 'unknown', outcome: statusClass(request.response?.statusCode ?? 500) });
    single.addMetric('Requests', MetricUnit.Count, 1);
    publishStored();
  };
  return {
    after: record,
    onError: record,
  };
};

/**
 * Middy middleware of {@link queueHandler}: per batch `MessagesProcessed` and
 * `MessagesFailed` (records answered in `batchItemFailures`, or the whole batch when the handler
 * threw) with dimension `queue` (the source queue's name), and the domain counters.
 */
export const queueMetrics = <E extends { Records: Array<{ eventSourceARN?: string }> }, R extends { batchItemFailures?: unknown[] }>() => {
  const record = (request: MeteredRequest<E, R>, threw: boolean) => {
    const total = request.event.Records?.length ?? 0;
    const failed = threw ? total : request.response?.batchItemFailures?.length ?? 0;
    const queue = request.event.Records?.[0]?.eventSourceARN?.split(':').pop() ?? 'unknown';
    // A single metric is published (and its dimensions cleared) by addMetric: one instance per metric.
    for (const [name, value] of [['MessagesProcessed', total - failed], ['MessagesFailed', failed]] as const) {
      const single = metrics.singleMetric();
      single.addDimension('queue', queue);
      single.addMetric(name, MetricUnit.Count, value);
    }
    publishStored();
  };
  return {
    after: (request: MeteredRequest<E, R>) => record(request, false),
    onError: (request: MeteredRequest<E, R>) => record(request, true),
  };
};
