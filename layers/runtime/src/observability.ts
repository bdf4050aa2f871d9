import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
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
