import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { makeThumbnail, MAX_IMAGE_BYTES, UndecodableImageError, type ThumbnailEvent } from '@darkroom/media';
import { logger, metrics, MetricUnit, parseOwnerKey } from '@darkroom/runtime';
import type { S3Event, S3EventRecord } from 'aws-lambda';

export interface PipelineDeps {
  s3: S3Client;
  sqs: SQSClient;
  thumbnailsBucket: string;
  /** Queue URL per service segment of the key (`images`, `photos`): where that service takes its thumbnail events. */
  eventQueues: Readonly<Record<string, string>>;
}

/** What happened to one S3 record. */
export type Outcome = 'ready' | 'failed' | 'skipped';

/** The object key of an S3 event record: S3 URL-encodes keys in notifications, with `+` for spaces. */
export const eventObjectKey = (record: S3EventRecord): string => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));

/**
 * The idempotency key of an S3 notification: bucket, key and sequencer (or ETag) of every record, so a
 * redelivered message, or S3 sending the same event twice, is recognised; a new upload to the same key
 * has a new sequencer and is processed again.
 */
export const notificationKey = (event: Partial<S3Event>): string =>
  (event.Records ?? []).map((r) => `${r.s3.bucket.name}/${eventObjectKey(r)}@${r.s3.object.sequencer ?? r.s3.object.eTag}`).join('|') || 'empty';

/**
 * Makes and stores the thumbnail of one original and publishes the outcome to the queue of the service
 * that owns the key (`<sub>/<service>/...`). The worker knows no service: which services take events is
 * configuration (the manifest's `THUMBNAIL_EVENTS_QUEUE_URL_<SERVICE>` variables).
 *
 * A permanent problem (too large, not a decodable image) is published as `thumbnail.failed` with its
 * reason and not retried; a key of no configured service, or an object deleted since, is skipped.
 * Anything else (S3, SQS) throws, so SQS retries the message and, in the end, moves it to the DLQ.
 */
export async function processRecord(deps: PipelineDeps, record: S3EventRecord): Promise<Outcome> {
  const key = eventObjectKey(record);
  const owned = parseOwnerKey(key);
  const queueUrl = owned && deps.eventQueues[owned.service];
  if (!owned || !queueUrl) {
    logger.info('not an original of a media service, skipped', { key });
    return 'skipped';
  }
  const publish = (event: ThumbnailEvent) => deps.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
  const base = { key, owner: owned.owner, service: owned.service, rest: owned.rest };
  const size = record.s3.object.size ?? 0;
  if (size > MAX_IMAGE_BYTES) {
    await publish({ type: 'thumbnail.failed', ...base, size, reason: `original is ${size} bytes; the limit is ${MAX_IMAGE_BYTES}` });
    return 'failed';
  }
  let body: Buffer;
  try {
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: record.s3.bucket.name, Key: key }));
    body = Buffer.from(await object.Body!.transformToByteArray());
  } catch (error) {
    if (error instanceof NoSuchKey) {
      logger.info('original deleted before processing, skipped', { key });
      return 'skipped';
    }
    throw error;
  }
  let thumbnail;
  try {
    thumbnail = await makeThumbnail(body);
  } catch (error) {
    if (!(error instanceof UndecodableImageError)) throw error;
    logger.warn('original is not a decodable image', { key, reason: error.message, detail: error.detail });
    await publish({ type: 'thumbnail.failed', ...base, size: body.length, reason: error.message });
    return 'failed';
  }
  await deps.s3.send(new PutObjectCommand({
    Bucket: deps.thumbnailsBucket, Key: key, Body: thumbnail.data, ContentType: thumbnail.contentType,
    CacheControl: 'private, max-age=31536000, immutable',
  }));
  await publish({
    type: 'thumbnail.ready', ...base, size: body.length,
    thumbnail: { key, contentType: thumbnail.contentType, width: thumbnail.width, height: thumbnail.height },
    source: thumbnail.source,
  });
  return 'ready';
}

/**
 * Processes every record of an S3 notification (one SQS message); S3's `s3:TestEvent` yields nothing.
 * Counts `ThumbnailsMade` and `ThumbnailsFailed` (originals that can never make one).
 * @returns one outcome per record
 */
export async function processNotification(deps: PipelineDeps, event: Partial<S3Event> & { Event?: string }): Promise<Outcome[]> {
  if (event.Event === 's3:TestEvent' || !event.Records) return [];
  const outcomes: Outcome[] = [];
  for (const record of event.Records) {
    const outcome = await processRecord(deps, record);
    if (outcome !== 'skipped') metrics.addMetric(outcome === 'ready' ? 'ThumbnailsMade' : 'ThumbnailsFailed', MetricUnit.Count, 1);
    outcomes.push(outcome);
  }
  return outcomes;
}
