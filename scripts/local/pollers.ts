/**
 * The local stand-in for Lambda's SQS event source mapping: long-polls each queue a function is mapped
 * to, invokes the function with batches of up to `batchSize` records, deletes the records that
 * succeeded and leaves `batchItemFailures` (or the whole batch, if the function throws) to reappear
 * after the visibility timeout, so the queue's redrive policy moves them to the DLQ.
 */
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
  /** Long-poll wait, seconds (1-20). */
  waitSeconds?: number;
  log?: (line: string) => void;
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
 * Starts one poller per SQS-triggered function.
 * @returns `stop()`, which ends the polls and waits for batches in flight
 */
export function startPollers(options: PollerOptions): { stop(): Promise<void> } {
  const abort = new AbortController();
  const log = options.log ?? (() => undefined);
  const loops = options.functions.flatMap((fn) => {
    if (fn.trigger.type !== 'sqs') return [];
    const trigger: SqsTrigger = fn.trigger;
    const url = options.queueUrl(trigger.queue);
    const arn = `arn:aws:sqs:${options.region}:000000000000:${url.split('/').pop()}`;
    return [(async () => {
      while (!abort.signal.aborted) {
        let messages: Message[];
        try {
          ({ Messages: messages = [] } = await options.sqs.send(new ReceiveMessageCommand({
            QueueUrl: url, MaxNumberOfMessages: Math.min(trigger.batchSize, 10), WaitTimeSeconds: options.waitSeconds ?? 2,
            MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
          }), { abortSignal: abort.signal }));
        } catch (error) {
          if (abort.signal.aborted) break;
          log(`poller ${fn.name}: receive failed: ${(error as Error).message}`);
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        if (!messages.length) continue;
        const records = messages.map((m) => toRecord(m, arn, options.region));
        let result: unknown; let threw = false;
        try {
          result = await invoke(fn, { Records: records } satisfies SQSEvent);
        } catch (error) {
          threw = true;
          log(`${fn.name}: invocation failed: ${(error as Error).stack ?? String(error)}`);
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
      }
    })()];
  });
  return {
    async stop() {
      abort.abort();
      await Promise.allSettled(loops);
    },
  };
}
