import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { invocationScoped, metrics, tracer } from './observability';

/** What a scheduled function receives for each run. */
export interface ScheduledRun {
  event: ScheduledEvent;
  context: Context;
  /** When this run must have finished its work (epoch ms): the Lambda deadline less a safety margin. */
  deadline: number;
}

/**
 * The one way to write a function with a `schedule` trigger (an EventBridge rule; a timer on the local
 * stack): its own logger and metrics scope ({@link invocationScoped}), tracing, and the Powertools metrics the run added, flushed as one EMF
 * document at its end. The run should stop taking new work at `deadline` and leave the rest to the
 * next run: scheduled functions are sweeps, safe to run again.
 * @param options.marginMs - kept free before the Lambda timeout (default 5 s)
 */
export function scheduleHandler(options: { marginMs?: number } = {}) {
  const margin = options.marginMs ?? 5_000;
  return {
    handler<R>(run: (input: ScheduledRun) => Promise<R>) {
      return invocationScoped(middy<ScheduledEvent, R>()
        .use(captureLambdaHandler(tracer))
        .use(logMetrics(metrics))
        .handler(async (event: ScheduledEvent, context: Context) =>
          run({ event, context, deadline: Date.now() + Math.max(0, context.getRemainingTimeInMillis() - margin) })));
    },
  };
}
