import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { isLocal } from './config';

/**
 * The process-wide Powertools logger, tracer and metrics. The service name comes from `POWERTOOLS_SERVICE_NAME`
 * (set per function by Terraform and by the local stack); the tracer is off on the local stack (no X-Ray daemon) and when POWERTOOLS_TRACE_ENABLED is false.
 */
export const logger = new Logger();
export const tracer = new Tracer({ enabled: process.env.POWERTOOLS_TRACE_ENABLED !== 'false' && !isLocal() });
/**
 * CloudWatch metrics in Embedded Metric Format, namespace `Darkroom` (POWERTOOLS_METRICS_NAMESPACE
 * overrides). Domain code counts with `metrics.addMetric(name, MetricUnit.Count, 1)`.
 */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Darkroom' });
export { MetricUnit } from '@aws-lambda-powertools/metrics';

/** The part of a Middy request the metrics middlewares read. */
interface MeteredRequest<E, R> { event: E; context: { functionName: string }; response?: R | null }

/** Publishes what the invocation's domain code counted (one EMF line), if anything. */
const publishStored = () => { if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics(); };

/** `outcome` dimension of an HTTP status: `2xx`, `3xx`, `4xx` or `5xx`. */
export const statusClass = (statusCode: number): string => `${Math.floor(statusCode / 100)}xx`;

/**
 * Middy middleware of {@link httpHandler}: a `ColdStart` metric on the first invocation (dimensions
 * service, function_name), one `Requests` count per request with dimensions `route` (API Gateway's
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
    before: (request: MeteredRequest<E, R>) => { metrics.captureColdStartMetric(request.context.functionName); },
    after: record,
    onError: record,
  };
};

/**
 * Middy middleware of {@link queueHandler}: `ColdStart`, then per batch `MessagesProcessed` and
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
    before: (request: MeteredRequest<E, R>) => { metrics.captureColdStartMetric(request.context.functionName); },
    after: (request: MeteredRequest<E, R>) => record(request, false),
    onError: (request: MeteredRequest<E, R>) => record(request, true),
  };
};
