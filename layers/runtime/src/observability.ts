import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The process-wide Powertools logger and tracer. The service name comes from `POWERTOOLS_SERVICE_NAME`
 * (set per function by Terraform and by the local stack); the tracer is a no-op outside Lambda.
 */
export const logger = new Logger();
export const tracer = new Tracer({ enabled: process.env.POWERTOOLS_TRACE_ENABLED !== 'false' && !process.env.DARKROOM_LOCAL });
