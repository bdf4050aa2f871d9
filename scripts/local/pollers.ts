/**
 * The local stand-in for Lambda's SQS event source mapping: long-polls each queue a function is mapped
 * to, invokes the function with batches of up to `batchSize` records, deletes the records that
 * succeeded and leaves `batchItemFailures` (or the whole batch, if the function throws) to reappear
 * after the visibility timeout, so the queue's redrive policy moves them to the DLQ. Like Lambda,
 * which scales a mapping's pollers and concurrent invocations with the backlog, each function has
 * `concurrency` pollers, each with one batch in flight at a time.
 */
import { availableParallelism } from 'node:os';
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionSpec, SqsTrigger } from '../manifest';
import { invoke } from './lambda';

/** Options of {@link startPollers}. */
export interface PollerOptions {
  sqs: SQSClient;
  functions: FunctionSpec[];
  /** Queue name in the manifest -> queue URL. */
  queueUrl: (queue: string) => string;
  region: string;
  /**
   * Seconds before a failed record is visible again. Unset: the queue's visibility timeout, as on AWS.
   * Tests set it low so retries and redrive to the DLQ take seconds, not minutes.
   */
  retryDelaySeconds?: number;
  /** Long-poll wait, seconds (1-20). Also how long `stop()` may wait for a poll to come back. */
  waitSeconds?: number;
  /** Batches in flight at once per function (pollers per queue). Default: the number of cores. */
  concurrency?: number;
  /**
   * Seconds a received batch stays invisible. Unset: the queue's visibility timeout, as on AWS. Tests
   * that kill the stack mid-batch set it low, so the batches in flight at the kill come back soon.
   */
  visibilityTimeoutSeconds?: number;
  /** Start without receiving until `resume()` (a backlog can be built first, e.g. by the pipeline bench). */
  paused?: boolean;
  log?: (line: string) => void;
}

/** The running pollers. */
export interface Pollers {
  /** Starts receiving, if started paused. */
  resume(): void;
  /** Batches being processed right now, all functions together. */
  readonly inFlight: number;
  /**
   * Stops receiving and waits for the batches in flight to finish (invocation, deletes, visibility
   * changes) against the still running emulators, or for `timeoutMs`, whichever comes first.
   * @returns how many batches were still running when it gave up (0: all finished); their messages
   *   reappear after their visibility timeout
   */
  stop(timeoutMs?: number): Promise<number>;
}

/** Builds the record Lambda hands a function for an SQS message. */
export function toRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, {
      stringValue: value.StringValue, binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: value.StringListValues ?? [], binaryListValues: [], dataType: value.DataType ?? 'String',
    }])),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Splits a batch's records into those to delete and those to retry, per the function's answer. */
export function settle(records: SQSRecord[], result: unknown, threw: boolean): { done: SQSRecord[]; failed: SQSRecord[] } {
  if (threw) return { done: [], failed: records };
  const failures = new Set(((result as SQSBatchResponse | undefined)?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  return { done: records.filter((r) => !failures.has(r.messageId)), failed: records.filter((r) => failures.has(r.messageId)) };
}

/**
 * Starts `concurrency` pollers per SQS-triggered function.
 * @returns the pollers; `stop()` ends them
 */
export function startPollers(options: PollerOptions): Pollers {
  let stopping = false;
  let inFlight = 0;
  let resume = (): void => undefined;
  const resumed = options.paused ? new Promise<void>((done) => { resume = done; }) : Promise.resolve();
  const log = options.log ?? (() => undefined);
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const stopResumeWait: Array<() => void> = [];
  const loops = options.functions.flatMap((fn) => {
    if (fn.trigger.type !== 'sqs') return [];
    const trigger: SqsTrigger = fn.trigger;
    const url = options.queueUrl(trigger.queue);
    const arn = `arn:aws:sqs:${options.region}:000000000000:${url.split('/').pop()}`;
    const poll = async (): Promise<void> => {
      // Not aborted on stop: a receive cut off after the emulator handed out messages would leave
      // them invisible for the whole visibility timeout. The long poll ends within waitSeconds.
      await Promise.race([resumed, new Promise<void>((done) => { stopResumeWait.push(done); })]);
      while (!stopping) {
        let messages: Message[];
        try {
          ({ Messages: messages = [] } = await options.sqs.send(new ReceiveMessageCommand({
            QueueUrl: url, MaxNumberOfMessages: Math.min(trigger.batchSize, 10), WaitTimeSeconds: options.waitSeconds ?? 2,
            VisibilityTimeout: options.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
          })));
        } catch (error) {
          if (stopping) break;
          log(`poller ${fn.name}: receive failed: ${(error as Error).message}`);
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        if (!messages.length) continue;
        inFlight += 1;
        try {
          await processBatch(messages.map((m) => toRecord(m, arn, options.region)));
        } finally {
          inFlight -= 1;
        }
      }
    };
    const processBatch = async (records: SQSRecord[]): Promise<void> => {
      let result: unknown; let threw = false;
      try {
        result = await invoke(fn, { Records: records } satisfies SQSEvent);
      } catch (error) {
        threw = true;
        // Powertools' FullBatchFailureError says only "see individual errors": print them.
        const records = (error as { recordErrors?: Array<{ stack?: string; message?: string }> }).recordErrors ?? [];
        log(`${fn.name}: invocation failed: ${(error as Error).stack ?? String(error)}${records.map((e, i) => `\n  record ${i}: ${e.stack ?? e.message}`).join('')}`);
      }
      const { done, failed } = settle(records, result, threw);
      log(`${fn.name}: batch of ${records.length}: ${done.length} done, ${failed.length} to retry`);
      if (done.length) {
        await options.sqs.send(new DeleteMessageBatchCommand({
          QueueUrl: url, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        })).catch((error: Error) => log(`${fn.name}: delete failed: ${error.message}`));
      }
      if (failed.length && options.retryDelaySeconds !== undefined) {
        await options.sqs.send(new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: failed.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle, VisibilityTimeout: options.retryDelaySeconds })),
        })).catch((error: Error) => log(`${fn.name}: visibility change failed: ${error.message}`));
      }
    };
    return Array.from({ length: concurrency }, () => poll());
  });
  const all = Promise.allSettled(loops);
  return {
    resume: () => resume(),
    get inFlight() { return inFlight; },
    async stop(timeoutMs = 30_000) {
      stopping = true;
      for (const done of stopResumeWait) done();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise((r) => { timer = setTimeout(r, timeoutMs); })]);
      clearTimeout(timer);
      return inFlight;
    },
  };
}
