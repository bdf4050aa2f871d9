/**
 * The local stand-in for EventBridge scheduled rules: one timer per function with a `schedule` trigger,
 * firing at the manifest's rate and invoking the function with the `ScheduledEvent` EventBridge sends.
 * `runNow(name)` (served as `POST /_local/schedule/<function-name>`) fires one at once, for tests and
 * for trying a scheduled function without waiting.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { awsName, parseRate, type FunctionSpec, type ScheduleTrigger } from '../manifest';
import { invoke } from './lambda';

/** Options of {@link startSchedules}. */
export interface ScheduleOptions {
  functions: FunctionSpec[];
  region: string;
  /** False: no timers (runs happen only through `runNow`); tests use it to decide when a sweep runs. */
  timers?: boolean;
  log?: (line: string) => void;
}

/** One run of a scheduled function. */
export interface ScheduledRun { function: string; event: ScheduledEvent; result?: unknown; error?: string; ms: number }

/** The running schedules. */
export interface Schedules {
  /** Names of the scheduled functions and their rate expressions. */
  readonly rates: Record<string, string>;
  /**
   * Invokes a scheduled function now, as its rule would.
   * @returns the run, or undefined when `name` is not a scheduled function
   */
  runNow(name: string): Promise<ScheduledRun | undefined>;
  /** Clears the timers and waits for runs in progress. */
  stop(): Promise<void>;
}

/**
 * The event an EventBridge scheduled rule hands its target
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html).
 */
export function scheduledEvent(fn: FunctionSpec, region: string, at = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/${awsName(fn.name)}-schedule`],
    detail: {},
  };
}

/**
 * Starts a timer per scheduled function. A tick that comes while the previous run of the same
 * function is still going is skipped (EventBridge would overlap them; the functions must tolerate
 * both, and skipping keeps a slow laptop from piling runs up).
 */
export function startSchedules(options: ScheduleOptions): Schedules {
  const log = options.log ?? (() => undefined);
  const scheduled = options.functions.filter((fn): fn is FunctionSpec & { trigger: ScheduleTrigger } => fn.trigger.type === 'schedule');
  const running = new Set<Promise<ScheduledRun>>();
  const busy = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];

  const run = (fn: FunctionSpec): Promise<ScheduledRun> => {
    const event = scheduledEvent(fn, options.region);
    const started = Date.now();
    busy.set(fn.name, (busy.get(fn.name) ?? 0) + 1);
    const done: Promise<ScheduledRun> = invoke(fn, event).then(
      (result): ScheduledRun => ({ function: fn.name, event, result, ms: Date.now() - started }),
      (error: unknown): ScheduledRun => ({ function: fn.name, event, error: (error as Error).message ?? String(error), ms: Date.now() - started }),
    ).then((outcome) => {
      log(`${fn.name}: scheduled run ${outcome.error ? `failed: ${outcome.error}` : 'done'} in ${outcome.ms} ms`);
      running.delete(done);
      busy.set(fn.name, busy.get(fn.name)! - 1);
      return outcome;
    });
    running.add(done);
    return done;
  };

  if (options.timers ?? true) {
    for (const fn of scheduled) {
      const timer = setInterval(() => { if (!busy.get(fn.name)) void run(fn); }, parseRate(fn.trigger.rate) * 1000);
      timer.unref();
      timers.push(timer);
    }
  }
  return {
    rates: Object.fromEntries(scheduled.map((fn) => [fn.name, fn.trigger.rate])),
    async runNow(name) {
      const fn = scheduled.find((f) => f.name === name);
      return fn ? run(fn) : undefined;
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
