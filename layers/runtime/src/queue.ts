import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoClient } from './aws';
import { ConfigError, loadConfig } from './config';
import { invocationScoped, queueMetrics, tracer } from './observability';
import { maxReceiveCountVariable } from './receive-count';

/** Options of {@link queueHandler}. */
export interface QueueHandlerOptions<T> {
  /** Turns a record's body into the message; throws for a body that can never be processed. Default: JSON.parse. */
  parse?: (record: SQSRecord) => T;
  /**
   * Makes processing idempotent (Powertools idempotency on the `IDEMPOTENCY_TABLE` DynamoDB table):
   * a message whose key was already processed successfully is not processed again, whether SQS
   * redelivered it or its producer sent it twice. The key must identify the work, not the delivery
   * (an S3 object's key and sequencer, not the SQS message id).
   */
  idempotency?: { key: (message: T, record: SQSRecord) => string; expiresAfterSeconds?: number };
}

/** Which delivery of a message this is: SQS's ApproximateReceiveCount, of the queue's maxReceiveCount. */
export interface Attempt {
  /** 1 for the first delivery. */
  number: number;
  /** Deliveries before SQS moves the message to the dead-letter queue (the queue's redrive policy). */
  max: number;
  /** True on the last delivery: a failure now sends the message to the DLQ, so the worker records it. */
  last: boolean;
}

/** What the worker function receives for each message. */
export interface QueueMessage<T> {
  message: T;
  record: SQSRecord;
  /** Read when needed; throws ConfigError when the function was not told its queue's maxReceiveCount. */
  attempt: Attempt;
}

const parseJson = (record: SQSRecord): unknown => JSON.parse(record.body);

/**
 * The attempt of a record. The queue is found from the record's ARN, whose name ends in the manifest's
 * queue name (`darkroom-prod-dataset-exports`): the longest ending that has a variable is the queue.
 * @throws ConfigError when no `<QUEUE>_MAX_RECEIVE_COUNT` matches the record's queue
 */
export function attemptOf(record: SQSRecord): Attempt {
  const parts = (record.eventSourceARN?.split(':').pop() ?? '').split('-');
  for (let start = 0; start < parts.length; start++) {
    const variable = maxReceiveCountVariable(parts.slice(start).join('-'));
    const max = Number(process.env[variable]);
    if (!process.env[variable] || !Number.isInteger(max) || max < 1) continue;
    const number = Number(record.attributes.ApproximateReceiveCount ?? 1);
    return { number, max, last: number >= max };
  }
  const queue = record.eventSourceARN?.split(':').pop() ?? 'unknown';
  throw new ConfigError([`${maxReceiveCountVariable(queue)} (or one for a shorter ending of the queue name ${queue})`]);
}

/** The worker's input: `attempt` is computed when read, so workers that never ask need no variable. */
function inputOf<T>(message: T, record: SQSRecord): QueueMessage<T> {
  return Object.defineProperty({ message, record } as QueueMessage<T>, 'attempt', { get: () => attemptOf(record), enumerable: true });
}

/**
 * The one way to write an SQS-triggered Lambda. Each record is processed on its own with Powertools
 * batch processing and answered with a partial batch response (`batchItemFailures`), so one bad
 * message never retries its whole batch and goes to the DLQ after the queue's maxReceiveCount.
 * With `idempotency`, redelivered work is skipped (Powertools idempotency, DynamoDB-backed). The worker gets
 * the delivery's {@link Attempt}, so it knows when a failure is final. Each invocation has its own logger
 * and metrics ({@link invocationScoped}). Metrics:
 * ColdStart, MessagesProcessed / MessagesFailed per batch and the domain counters ({@link queueMetrics}).
 *
 * The worker throws to have the message retried; a message that can never succeed should be recorded
 * as failed by the worker (and not thrown), so it does not cycle until the DLQ.
 */
export function queueHandler<T = unknown>(options: QueueHandlerOptions<T> = {}) {
  const parse = options.parse ?? (parseJson as (record: SQSRecord) => T);
  return {
    handler(worker: (input: QueueMessage<T>) => Promise<unknown>) {
      const processor = new BatchProcessor(EventType.SQS);
      let processRecord = async (record: SQSRecord) => worker(inputOf(parse(record), record));
      let idempotencyConfig: IdempotencyConfig | undefined;
      if (options.idempotency) {
        const { idempotencyTable } = loadConfig({ idempotencyTable: 'IDEMPOTENCY_TABLE' });
        const keyOf = options.idempotency.key;
        idempotencyConfig = new IdempotencyConfig({
          eventKeyJmesPath: 'idempotencyKey',
          expiresAfterSeconds: options.idempotency.expiresAfterSeconds ?? 7 * 24 * 3600,
        });
        const once = makeIdempotent(
          async ({ record }: { idempotencyKey: string; record: SQSRecord; message: T }) => {
            const result = await worker(inputOf(parse(record), record));
            return result ?? true;
          },
          {
            persistenceStore: new DynamoDBPersistenceLayer({ tableName: idempotencyTable, awsSdkV3Client: dynamoClient() }),
            config: idempotencyConfig,
          },
        );
        processRecord = async (record: SQSRecord) => {
          const message = parse(record);
          return once({ idempotencyKey: keyOf(message, record), record, message });
        };
      }
      return invocationScoped(middy<SQSEvent, SQSBatchResponse>()
        .use(queueMetrics<SQSEvent, SQSBatchResponse>())
        .use(captureLambdaHandler(tracer))
        .handler(async (event: SQSEvent, context: Context) => {
          idempotencyConfig?.registerLambdaContext(context);
          return processPartialResponse(event, processRecord, processor, { context });
        }));
    },
  };
}
