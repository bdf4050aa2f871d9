import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { logger, metrics, MetricUnit, parseOwnerKey } from '@darkroom/runtime';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { MediaCatalog } from './catalog';
import { makeThumbnail, UndecodableImageError } from './thumbnails';
import { MAX_IMAGE_BYTES } from './uploads';

export interface PipelineDeps {
  s3: S3Client;
  thumbnailsBucket: string;
  /** Catalog per service segment of the key (`images`, `photos`). */
  catalogs: Record<string, MediaCatalog>;
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
 * Makes and stores the thumbnail of one original and records the outcome in its service's catalog.
 *
 * A permanent problem (too large, not a decodable image) is recorded as failed with its reason and not
 * retried; a key outside any catalog, or an object deleted since, is skipped. Anything else (S3,
 * DynamoDB) throws, so SQS retries the message and, in the end, moves it to the DLQ.
 */
export async function processRecord(deps: PipelineDeps, record: S3EventRecord): Promise<Outcome> {
  const key = eventObjectKey(record);
  const owned = parseOwnerKey(key);
  const catalog = owned && deps.catalogs[owned.service];
  if (!owned || !catalog) {
    logger.info('not a catalogued original, skipped', { key });
    return 'skipped';
  }
  const size = record.s3.object.size ?? 0;
  if (size > MAX_IMAGE_BYTES) {
    await catalog.recordFailed(owned.owner, owned.rest, `original is ${size} bytes; the limit is ${MAX_IMAGE_BYTES}`, size);
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
    logger.warn('original is not a decodable image', { key, reason: error.message });
    await catalog.recordFailed(owned.owner, owned.rest, error.message, body.length);
    return 'failed';
  }
  await deps.s3.send(new PutObjectCommand({
    Bucket: deps.thumbnailsBucket, Key: key, Body: thumbnail.data, ContentType: thumbnail.contentType,
    CacheControl: 'private, max-age=31536000, immutable',
  }));
  await catalog.recordReady(owned.owner, owned.rest, { key, size: body.length, thumbnail, thumbnailKey: key });
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
