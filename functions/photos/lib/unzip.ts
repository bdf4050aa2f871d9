import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DomainError, forbidden, type HttpResult, logger, mapLimit, metrics, MetricUnit, notFound, ownerKey, payloadTooLarge, presignUpload, respond, sanitizeFileName } from '@darkroom/runtime';
import type yauzl from 'yauzl';
import { UPLOAD_URL_TTL } from '@darkroom/media';
import type { UploadBody } from './body';
import type { PhotosDeps, UnzipDeps } from './deps';
import { ARCHIVE_LIMITS, JOB_TTL, SYNC_UNZIP, type ArchiveLimits } from './limits';
import { formatExtension, probeImage, UndecodableImageError } from '@darkroom/media';
import type { LandedEntry, SkippedEntry } from './records';
import { removePhoto } from './removal';
import { storePhoto } from './uploads';
import { ArchiveContentError, bufferSource, inspectArchive, openArchive, readEntry, s3Source, type ArchivePlan, type RangeSource } from './zip';

/** The JSON variants of `POST /photos/unzip` (see unzip/json/schema.ts). */
export type UnzipRequest =
  | { job_id: string }
  | { archive_key: string }
  | { upload: { size: number; filename?: string } };

/** What an unpacked archive gave. */
export interface UnzipOutcome { landed: LandedEntry[]; skipped: SkippedEntry[] }

/** Options of {@link unpackArchive}. */
export interface UnpackOptions {
  jobId?: string;
  limits?: ArchiveLimits;
  /** Photos decoded and stored at once while the next entry inflates. Default 4 (memory: at most 5 entries of ≤ 50 MiB). */
  concurrency?: number;
  /** Called with the entries finished so far, at most every `progressEvery` entries, and at the end. */
  onProgress?: (done: number) => Promise<void>;
  progressEvery?: number;
}

/**
 * Unpacks the entries of an inspected archive into the owner's photos, entry by entry: each is inflated
 * with its bytes counted ({@link readEntry}), decoded ({@link probeImage}: entries that are not images are
 * skipped with the reason), and stored ({@link storePhoto}). Memory holds at most `concurrency + 1` entries.
 *
 * All or nothing: when an entry contradicts its header, is damaged, or storing fails, every photo this
 * call already stored is removed again (records, originals, thumbnails) before the error is rethrown.
 * @throws ArchiveContentError (422) for lying or damaged entries; S3/DynamoDB errors as they are
 */
export async function unpackArchive(deps: PhotosDeps, owner: string, zip: yauzl.ZipFile, plan: ArchivePlan, options: UnpackOptions = {}): Promise<UnzipOutcome> {
  const limits = options.limits ?? ARCHIVE_LIMITS;
  const concurrency = options.concurrency ?? 4;
  const landed: Array<LandedEntry & { index: number }> = [];
  const skipped: SkippedEntry[] = [...plan.skipped];
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  let done = 0;
  let reported = 0;
  let inflated = 0;
  try {
    for (const [index, planned] of plan.entries.entries()) {
      if (failure) break;
      const data = await readEntry(zip, planned, limits);
      inflated += data.length;
      if (inflated > limits.maxTotalBytes) throw new ArchiveContentError(`The archive inflates to more than ${limits.maxTotalBytes} bytes; the archive was refused`);
      const task = (async () => {
        try {
          const image = await probeImage(data);
          const safeName = sanitizeFileName(planned.name) ?? `photo.${formatExtension(image.format)}`;
          const stored = await storePhoto(deps, owner, { data, safeName, image, jobId: options.jobId });
          landed.push({ index, entry: planned.name, filename: stored.filename, size: stored.size, content_type: stored.content_type });
        } catch (error) {
          if (!(error instanceof UndecodableImageError)) throw error;
          logger.info('archive entry is not an image, skipped', { owner, entry: planned.name, reason: error.message, detail: error.detail });
          skipped.push({ entry: planned.name, reason: error.message });
        } finally {
          done++;
        }
      })().catch((error: unknown) => { failure ??= error; });
      inflight.add(task);
      void task.then(() => inflight.delete(task));
      if (inflight.size >= concurrency) await Promise.race(inflight);
      if (options.onProgress && done - reported >= (options.progressEvery ?? 25)) {
        reported = done;
        await options.onProgress(done);
      }
    }
    await Promise.all(inflight);
    if (failure) throw failure;
  } catch (error) {
    await Promise.all(inflight);
    logger.warn('unzip failed; removing what this archive landed', { owner, jobId: options.jobId, landed: landed.length, reason: (error as Error).message });
    await mapLimit(landed, 8, (photo) => removePhoto(deps, owner, photo.filename));
    throw error;
  }
  await options.onProgress?.(done);
  landed.sort((a, b) => a.index - b.index);
  return { landed: landed.map(({ index: _, ...photo }) => photo), skipped };
}

/** Keys of archives a client may name: `<sub>/archives/<uuid>.zip`, their own sub only. */
export function checkArchiveKey(owner: string, key: string): string {
  if (!key.startsWith(`${owner}/archives/`) || !/^[^/]+\/archives\/[A-Za-z0-9-]+\.zip$/.test(key)) {
    throw forbidden('archive_key must name an archive you uploaded (the key returned by POST /photos/unzip {"upload": ...})');
  }
  return key;
}

/**
 * Issues a presigned POST for an archive too large for a request body: the policy fixes the key
 * (`<sub>/archives/<uuid>.zip`) and Content-Type `application/zip` and caps the size at `size`.
 * @returns `{archive_key, upload}`; then `POST /photos/unzip {"archive_key"}` unpacks it
 * @throws 413 when `size` exceeds the archive cap
 */
export async function presignArchiveUpload(deps: UnzipDeps, owner: string, input: { size: number }) {
  if (input.size > ARCHIVE_LIMITS.maxArchiveBytes) throw payloadTooLarge(`size is ${input.size} bytes; the limit is ${ARCHIVE_LIMITS.maxArchiveBytes} bytes`);
  const archiveKey = ownerKey(owner, 'archives', `${randomUUID()}.zip`);
  const upload = await presignUpload(deps.s3, {
    bucket: deps.archivesBucket, key: archiveKey, contentType: 'application/zip', maxBytes: input.size, expiresIn: UPLOAD_URL_TTL,
  });
  return { archive_key: archiveKey, upload };
}

/** Counts `ArchivesRefused` when the archive's check refuses it (a 4xx DomainError), then rethrows. */
async function countRefusal<T>(check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (error) {
    if (error instanceof DomainError && error.statusCode < 500) metrics.addMetric('ArchivesRefused', MetricUnit.Count, 1);
    throw error;
  }
}

/**
 * Records an archive unpacked in the request as a finished job, result beside it in S3, so the `job_id`
 * the 200 names answers `POST /photos/unzip {"job_id"}` afterwards exactly as a worker's job does.
 */
async function recordFinishedJob(
  deps: UnzipDeps, owner: string, job: { jobId: string; archiveKey?: string; total: number }, outcome: UnzipOutcome,
): Promise<void> {
  const { jobId, total } = job;
  const resultKey = ownerKey(owner, 'archives', `${jobId}.result.json`);
  await deps.s3.send(new PutObjectCommand({ Bucket: deps.archivesBucket, Key: resultKey, Body: JSON.stringify(outcome), ContentType: 'application/json' }));
  const now = new Date();
  await deps.photos.createJob({
    owner, job_id: jobId, mode: 'sync', status: 'done', archive_key: job.archiveKey ?? '', total, done: total,
    landed_count: outcome.landed.length, skipped_count: outcome.skipped.length, result_key: resultKey,
    created_at: now.toISOString(), updated_at: now.toISOString(), expires_at: Math.floor(now.getTime() / 1000) + JOB_TTL,
  });
}

/** Whether an inspected archive is unpacked in the request (see {@link SYNC_UNZIP}). */
export const unpacksInRequest = (plan: ArchivePlan): boolean =>
  plan.entries.length <= SYNC_UNZIP.maxEntries && plan.totalBytes <= SYNC_UNZIP.maxTotalBytes;

/**
 * Starts unpacking an archive (a request body, or `archive_key` in the archives bucket). The central
 * directory is checked first: a malicious archive is refused as a whole before anything lands. Small
 * archives ({@link SYNC_UNZIP}) are unpacked now (200, `mode: 'sync'`); larger ones become a job on the
 * `unzip` queue (202, `mode: 'async'`, `job_id`), whose progress `POST /photos/unzip {"job_id"}` reports.
 */
export async function startUnzip(deps: UnzipDeps, owner: string, input: { data: Buffer } | { key: string }): Promise<HttpResult> {
  const source: RangeSource = 'data' in input ? bufferSource(input.data) : await s3Source(deps.s3, deps.archivesBucket, input.key);
  const zip = await openArchive(source);
  const jobId = randomUUID();
  let plan: ArchivePlan;
  try {
    plan = await countRefusal(inspectArchive(zip, source.size, ARCHIVE_LIMITS));
    if (unpacksInRequest(plan)) {
      const outcome = await unpackArchive(deps, owner, zip, plan, { jobId });
      metrics.addMetric('ArchivesUnpacked', MetricUnit.Count, 1);
      await recordFinishedJob(deps, owner, { jobId, archiveKey: 'key' in input ? input.key : undefined, total: plan.entries.length }, outcome);
      if ('key' in input) await deps.s3.send(new DeleteObjectCommand({ Bucket: deps.archivesBucket, Key: input.key }));
      return respond({
        job_id: jobId, mode: 'sync', status: 'done', total: plan.entries.length, done: plan.entries.length,
        landed_count: outcome.landed.length, skipped_count: outcome.skipped.length, ...outcome,
      });
    }
  } finally {
    zip.close();
  }
  const archiveKey = 'key' in input ? input.key : ownerKey(owner, 'archives', `${jobId}.zip`);
  if ('data' in input) {
    await deps.s3.send(new PutObjectCommand({ Bucket: deps.archivesBucket, Key: archiveKey, Body: input.data, ContentType: 'application/zip' }));
  }
  const now = new Date();
  await deps.photos.createJob({
    owner, job_id: jobId, status: 'queued', archive_key: archiveKey, total: plan.entries.length, done: 0,
    landed_count: 0, skipped_count: 0, created_at: now.toISOString(), updated_at: now.toISOString(),
    expires_at: Math.floor(now.getTime() / 1000) + JOB_TTL,
  });
  if (!deps.queue) throw new Error('UNZIP_QUEUE_URL is not configured for this function');
  await deps.queue.sqs.send(new SendMessageCommand({ QueueUrl: deps.queue.url, MessageBody: JSON.stringify({ owner, job_id: jobId } satisfies UnzipMessage) }));
  return respond({
    job_id: jobId, mode: 'async', status: 'queued', total: plan.entries.length, done: 0,
    status_request: { method: 'POST', path: '/photos/unzip', body: { job_id: jobId } },
  }, { statusCode: 202 });
}

/**
 * An unzip job's state: `queued` -> `running` (`done` of `total` entries) -> `done` (with every landed and
 * skipped entry) or `failed` (with the reason; nothing of the archive was kept). An archive unpacked in
 * the request is a job born `done`; its `mode` says `sync`.
 * @throws 404 for a job the caller does not own or that expired ({@link JOB_TTL})
 */
export async function unzipJobStatus(deps: UnzipDeps, owner: string, jobId: string) {
  const job = await deps.photos.getJob(owner, jobId);
  if (!job) throw notFound(`Unzip job ${jobId} not found`);
  let result: UnzipOutcome | undefined;
  if (job.status === 'done' && job.result_key) {
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.archivesBucket, Key: job.result_key }));
    result = JSON.parse(await object.Body!.transformToString()) as UnzipOutcome;
  }
  return {
    job_id: job.job_id, mode: job.mode ?? 'async', status: job.status, total: job.total, done: job.done,
    landed_count: job.landed_count, skipped_count: job.skipped_count, ...result,
    failure_reason: job.failure_reason, created_at: job.created_at, updated_at: job.updated_at,
  };
}

/**
 * `POST /photos/unzip`: an archive in the body, or JSON: `{archive_key}` (unpack an uploaded archive),
 * `{upload: {size}}` (a presigned POST for one), `{job_id}` (a job's progress and result).
 */
export async function unzip(deps: UnzipDeps, owner: string, body: UploadBody<UnzipRequest>): Promise<HttpResult> {
  if (body.kind === 'file') return startUnzip(deps, owner, { data: body.data });
  const request = body.value;
  if ('job_id' in request) return respond(await unzipJobStatus(deps, owner, request.job_id));
  if ('upload' in request) return respond(await presignArchiveUpload(deps, owner, request.upload), { statusCode: 201 });
  return startUnzip(deps, owner, { key: checkArchiveKey(owner, request.archive_key) });
}

/** The message of the `unzip` queue. */
export interface UnzipMessage { owner: string; job_id: string }

/**
 * The unzip worker's work for one job: reads the archive from S3 with ranged reads, re-checks the
 * central directory, unpacks with progress on the job record, writes the result (landed and skipped
 * entries) next to the archive and deletes the archive.
 *
 * A refused archive (DomainError < 500: a lying header, damaged data) marks the job failed, nothing
 * kept, and is not retried. Anything else (S3, DynamoDB) puts the job back to `queued` and throws, so
 * SQS retries it; on the last attempt (the queue's maxReceiveCount, after which SQS moves the message
 * to the DLQ) the job is marked failed instead, so its status never stays `queued` for ever. What a
 * failed attempt landed was removed.
 * @param attempt - this delivery's number (SQS ApproximateReceiveCount) and the queue's maxReceiveCount
 * @returns what happened, for the logs
 */
export async function runUnzipJob(deps: UnzipDeps, message: UnzipMessage, attempt: { number: number; max: number } = { number: 1, max: 1 }): Promise<'done' | 'failed' | 'skipped'> {
  const { owner, job_id: jobId } = message;
  const job = await deps.photos.getJob(owner, jobId);
  if (!job || job.status === 'done' || job.status === 'failed') {
    logger.info('unzip job absent or finished; nothing to do', { owner, jobId, status: job?.status });
    return 'skipped';
  }
  await deps.photos.updateJob(owner, jobId, { status: 'running', done: 0 });
  let zip: yauzl.ZipFile | undefined;
  try {
    const source = await s3Source(deps.s3, deps.archivesBucket, job.archive_key);
    zip = await openArchive(source);
    const plan = await inspectArchive(zip, source.size, ARCHIVE_LIMITS);
    await deps.photos.updateJob(owner, jobId, { total: plan.entries.length });
    const outcome = await unpackArchive(deps, owner, zip, plan, { jobId, onProgress: (done) => deps.photos.updateJob(owner, jobId, { done }) });
    const resultKey = ownerKey(owner, 'archives', `${jobId}.result.json`);
    await deps.s3.send(new PutObjectCommand({ Bucket: deps.archivesBucket, Key: resultKey, Body: JSON.stringify(outcome), ContentType: 'application/json' }));
    await deps.photos.updateJob(owner, jobId, {
      status: 'done', done: plan.entries.length, landed_count: outcome.landed.length, skipped_count: outcome.skipped.length, result_key: resultKey,
    });
    await deps.s3.send(new DeleteObjectCommand({ Bucket: deps.archivesBucket, Key: job.archive_key }));
    metrics.addMetric('ArchivesUnpacked', MetricUnit.Count, 1);
    return 'done';
  } catch (error) {
    if (error instanceof DomainError && error.statusCode < 500) {
      metrics.addMetric('ArchivesRefused', MetricUnit.Count, 1);
      await deps.photos.updateJob(owner, jobId, { status: 'failed', failure_reason: error.message });
      return 'failed';
    }
    const last = attempt.number >= attempt.max;
    await deps.photos.updateJob(owner, jobId, last
      ? { status: 'failed', failure_reason: `gave up after ${attempt.number} attempts: the archive could not be read or its photos stored` }
      : { status: 'queued', failure_reason: `attempt ${attempt.number} of ${attempt.max} failed; retrying` }).catch(() => undefined);
    throw error;
  } finally {
    zip?.close();
  }
}

export { ARCHIVE_LIMITS };
