import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoClient } from './aws';
import { loadConfig } from './config';
import { logger, queueMetrics, tracer } from './observability';

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

/** What the worker function receives for each message. */
export interface QueueMessage<T> {
  message: T;
  record: SQSRecord;
}

const parseJson = (record: SQSRecord): unknown => JSON.parse(record.body);

/**
 * The one way to write an SQS-triggered Lambda. Each record is processed on its own with Powertools
 * batch processing and answered with a partial batch response (`batchItemFailures`), so one bad
 * message never retries its whole batch and goes to the DLQ after the queue's maxReceiveCount.
 * With `idempotency`, redelivered work is skipped (Powertools idempotency, DynamoDB-backed). Metrics:
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
      let processRecord = async (record: SQSRecord) => worker({ message: parse(record), record });
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
            const result = await worker({ message: parse(record), record });
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
      return middy<SQSEvent, SQSBatchResponse>()
        .use(injectLambdaContext(logger, { resetKeys: true }))
        .use(queueMetrics<SQSEvent, SQSBatchResponse>())
        .use(captureLambdaHandler(tracer))
        .handler(async (event: SQSEvent, context: Context) => {
          idempotencyConfig?.registerLambdaContext(context);
          return processPartialResponse(event, processRecord, processor, { context });
        });
    },
  };
}
