import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionFailed } from './dynamodb/transactions';
import { scanPages } from './dynamodb/query';
import { logger, metrics, MetricUnit } from './observability';

/** A record whose original should have been processed by now: its owner, S3 key and upload time. */
export interface PendingOriginal {
  owner: string;
  /** Key of the original in the originals bucket. */
  key: string;
  /** ISO time the upload was issued (or the object stored). */
  createdAt: string;
  /** Re-drives so far. */
  redrives: number;
  /** The record's table key, as the catalog needs it back. */
  tableKey: Record<string, unknown>;
}

/** What a service tells the reconciler about its records; each service implements it over its own table. */
export interface PendingCatalog {
  /** The records still waiting for the thumbnail worker that were created, and last re-driven, before `before` (ISO). */
  pending(before: string): AsyncIterable<PendingOriginal>;
  /** Notes a re-drive (time and count) on a record still waiting; false when it no longer waits. */
  markRedriven(record: PendingOriginal, at: string): Promise<boolean>;
  /** Marks a record still waiting as failed with `reason`; false when it no longer waits. */
  markAbandoned(record: PendingOriginal, reason: string): Promise<boolean>;
}

/** Where the originals are and which queue the thumbnail worker reads. */
export interface ReconcileDeps {
  s3: S3Client;
  sqs: SQSClient;
  originalsBucket: string;
  queueUrl: string;
  region: string;
}

/** Limits of one sweep. */
export interface ReconcileOptions {
  /** A record is overdue this many seconds after its upload was issued (well past the upload URL's lifetime). */
  overdueAfterSeconds: number;
  /** Re-drives before a record is given up as failed (default 3). */
  maxRedrives?: number;
  /** Stop taking records at this time (epoch ms); the next run carries on. */
  deadline?: number;
  /** Records handled at once (default 8). */
  concurrency?: number;
  now?: Date;
}

/** What one sweep did. */
export interface ReconcileSummary { scanned: number; redriven: number; abandoned: number; settled: number; errors: number; complete: boolean }

/**
 * The S3 event notification the originals bucket would have sent for an object, as the thumbnail
 * worker reads it. It carries the ETag and no sequencer, so the worker's idempotency key
 * (`bucket/key@eTag`) is the same for every re-drive of one object: re-driving twice processes once.
 */
export function objectCreatedEvent(bucket: string, key: string, head: { size: number; eTag: string; lastModified: Date }, region: string) {
  const encoded = encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
  return {
    Records: [{
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: region, eventTime: head.lastModified.toISOString(),
      eventName: 'ObjectCreated:Put', userIdentity: { principalId: 'darkroom-reconciler' },
      requestParameters: { sourceIPAddress: '127.0.0.1' }, responseElements: { 'x-amz-request-id': 'reconciler', 'x-amz-id-2': 'reconciler' },
      s3: {
        s3SchemaVersion: '1.0', configurationId: 'darkroom-reconciler',
        bucket: { name: bucket, ownerIdentity: { principalId: 'darkroom' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encoded, size: head.size, eTag: head.eTag },
      },
    }],
  };
}

/**
 * Re-drives originals whose records stayed pending: S3 delivers bucket notifications at least once
 * but not always (a notification lost in a crash, a message moved to the DLQ, a queue recreated).
 * For each overdue record it asks S3 for the original (HeadObject): present -> an ObjectCreated
 * notification goes to the thumbnail queue again and the re-drive is noted on the record (so the next
 * sweep waits `overdueAfterSeconds` before another); absent -> the upload never happened and the
 * record is marked failed. After `maxRedrives` re-drives without result the record is marked failed
 * too. Records that stop waiting meanwhile are left as the worker wrote them (conditional updates).
 *
 * Counted as Powertools metrics: PendingScanned, PendingRedriven, PendingAbandoned, ReconcileErrors.
 * An error on one record (S3, SQS, DynamoDB) is logged and counted and the sweep goes on; the
 * record is picked up by the next sweep.
 * @returns counts; `complete` false when the deadline cut the sweep short
 */
export async function reconcilePending(deps: ReconcileDeps, catalog: PendingCatalog, options: ReconcileOptions): Promise<ReconcileSummary> {
  const now = options.now ?? new Date();
  const before = new Date(now.getTime() - options.overdueAfterSeconds * 1000).toISOString();
  const maxRedrives = options.maxRedrives ?? 3;
  const summary: ReconcileSummary = { scanned: 0, redriven: 0, abandoned: 0, settled: 0, errors: 0, complete: true };

  const handle = async (record: PendingOriginal): Promise<void> => {
    if (record.redrives >= maxRedrives) {
      const done = await catalog.markAbandoned(record, `no thumbnail after ${record.redrives} re-drives of the original; upload it again`);
      summary[done ? 'abandoned' : 'settled'] += 1;
      logger.warn('pending record abandoned after re-drives', { key: record.key, redrives: record.redrives, done });
      return;
    }
    let head;
    try {
      head = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.originalsBucket, Key: record.key }));
    } catch (error) {
      if (!(error instanceof NotFound) && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
      const done = await catalog.markAbandoned(record, 'the upload was never completed: no file arrived before the upload URL expired');
      summary[done ? 'abandoned' : 'settled'] += 1;
      logger.info('pending record without original marked failed', { key: record.key, createdAt: record.createdAt, done });
      return;
    }
    const event = objectCreatedEvent(deps.originalsBucket, record.key, {
      size: head.ContentLength ?? 0, eTag: (head.ETag ?? '').replace(/"/g, ''), lastModified: head.LastModified ?? now,
    }, deps.region);
    // Noted first: a crash between the two re-drives again after overdueAfterSeconds rather than never.
    if (!(await catalog.markRedriven(record, now.toISOString()))) { summary.settled += 1; return; }
    await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.queueUrl, MessageBody: JSON.stringify(event) }));
    summary.redriven += 1;
    logger.info('pending original re-driven to the thumbnail queue', { key: record.key, createdAt: record.createdAt, redrive: record.redrives + 1 });
  };

  const running = new Set<Promise<void>>();
  for await (const record of catalog.pending(before)) {
    if (options.deadline !== undefined && Date.now() >= options.deadline) { summary.complete = false; break; }
    summary.scanned += 1;
    const task = handle(record).catch((error: unknown) => {
      summary.errors += 1;
      logger.error('reconciling a pending record failed; the next sweep retries it', { key: record.key, error: error as Error });
    }).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= (options.concurrency ?? 8)) await Promise.race(running);
  }
  await Promise.all(running);
  metrics.addMetric('PendingScanned', MetricUnit.Count, summary.scanned);
  metrics.addMetric('PendingRedriven', MetricUnit.Count, summary.redriven);
  metrics.addMetric('PendingAbandoned', MetricUnit.Count, summary.abandoned);
  metrics.addMetric('ReconcileErrors', MetricUnit.Count, summary.errors);
  logger.info('reconcile sweep finished', { ...summary, before });
  return summary;
}

/** How a service's table keeps records that wait for the thumbnail worker. */
export interface PendingTableLayout {
  tableName: string;
  /** Sort-key prefix of the records (`IMAGE#`, `PHOTO#`). */
  sortKeyPrefix: string;
  /** Attribute holding the ISO time the record was created (`created_at`, `uploaded_at`). */
  createdAttribute: string;
  /** `status` values meaning "the worker has not recorded a result yet". */
  waiting: string[];
}

/**
 * A {@link PendingCatalog} over a service's DynamoDB table whose records carry `owner`, `key`,
 * `status` and `failure_reason` (the images and photos tables do). The sweep is a paginated Scan
 * with a filter, fine for a periodic job over tables of this size; a sparse index on waiting records
 * would avoid reading the rest when the tables grow large. A re-drive is noted in `redriven_at` and
 * `redrive_count`; every update is conditional on the record still waiting.
 */
export function tablePendingCatalog(doc: DynamoDBDocumentClient, layout: PendingTableLayout): PendingCatalog {
  const waiting = Object.fromEntries(layout.waiting.map((status, i) => [`:waiting${i}`, status]));
  const stillWaiting = `#status IN (${Object.keys(waiting).join(', ')})`;
  /** Applies `expression` (with `values`) to the record at `key` if it still waits: true when applied, false when it had moved on. */
  const updateIfWaiting = async (key: Record<string, unknown>, expression: string, values: Record<string, unknown>): Promise<boolean> => {
    try {
      await doc.send(new UpdateCommand({
        TableName: layout.tableName, Key: key,
        UpdateExpression: expression,
        ConditionExpression: stillWaiting,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...values, ...waiting },
      }));
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  };
  return {
    async *pending(before) {
      for await (const page of scanPages(doc, {
        TableName: layout.tableName,
        FilterExpression: `begins_with(sk, :prefix) AND ${stillWaiting} AND #created < :before AND (attribute_not_exists(redriven_at) OR redriven_at < :before)`,
        ExpressionAttributeNames: { '#status': 'status', '#created': layout.createdAttribute },
        ExpressionAttributeValues: { ':prefix': layout.sortKeyPrefix, ':before': before, ...waiting },
      })) {
        for (const item of page) {
          yield { owner: item.owner as string, key: item.key as string, createdAt: item[layout.createdAttribute] as string,
            redrives: (item.redrive_count as number | undefined) ?? 0, tableKey: { pk: item.pk, sk: item.sk } };
        }
      }
    },
    markRedriven(record, at) {
      return updateIfWaiting(record.tableKey, 'SET redriven_at = :at, redrive_count = if_not_exists(redrive_count, :zero) + :one',
        { ':at': at, ':zero': 0, ':one': 1 });
    },
    markAbandoned(record, reason) {
      return updateIfWaiting(record.tableKey, 'SET #status = :failed, failure_reason = :reason, processed_at = :now REMOVE expires_at',
        { ':failed': 'failed', ':reason': reason, ':now': new Date().toISOString() });
    },
  };
}

