import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { logger, MAX_PRESIGN_SECONDS, metrics, MetricUnit, presignDownload } from '@darkroom/runtime';
import type { S3Event } from 'aws-lambda';
import { UnanalysableFileError, type Analyser } from './analysers';
import { annotate } from './annotate';
import { maxBytesOf, type AnalysisMessage } from './jobs';
import { sendResultsMail, type MailDeps } from './mail';
import { sniffContentType } from '@darkroom/media';
import { annotatedKey, parseUploadKey, type FileKind, type FileRecord, type JobRecord } from './model';
import type { VisualRepository } from './repository';

/** What the analysis worker needs. */
export interface AnalysisDeps {
  repo: VisualRepository;
  s3: S3Client;
  bucket: string;
  mail: MailDeps;
  analysers: Record<FileKind, Analyser>;
}

/** One file to analyse, from a manual/uploadDone message or a single-video upload's S3 event. */
export interface AnalysisTask extends AnalysisMessage { source: 'message' | 's3' }

/** What became of one task. */
export type TaskOutcome = 'done' | 'failed' | 'skipped' | 'rejected';

/**
 * The tasks of one analysis-queue message: the seed's `{jobID, fileKey, fileIdx}` (jobID may be a number,
 * as in the seed's example; fileIdx a numeric string), or an S3 notification of single-video uploads.
 * @returns the tasks, or a reason when the body can never be processed
 */
export function parseAnalysisMessage(body: string): { tasks: AnalysisTask[] } | { rejected: string } {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return { rejected: 'body is not JSON' };
  }
  const m = message as Partial<S3Event> & { Event?: string; jobID?: unknown; fileKey?: unknown; fileIdx?: unknown; eTag?: unknown };
  if (m.Event === 's3:TestEvent') return { tasks: [] };
  if (Array.isArray(m.Records)) {
    const tasks: AnalysisTask[] = [];
    for (const record of m.Records) {
      const key = decodeURIComponent(String(record?.s3?.object?.key ?? '').replace(/\+/g, ' '));
      const parsed = parseUploadKey(key);
      if (!parsed) return { rejected: `S3 object ${key} is not an upload of a visual job` };
      tasks.push({ jobID: parsed.jobID, fileIdx: parsed.fileIdx, fileKey: key, eTag: record.s3.object.eTag, source: 's3' });
    }
    return { tasks };
  }
  const jobID = typeof m.jobID === 'number' ? String(m.jobID) : m.jobID;
  const fileIdx = typeof m.fileIdx === 'string' && /^\d{1,3}$/.test(m.fileIdx) ? Number(m.fileIdx) : m.fileIdx;
  if (typeof jobID !== 'string' || !jobID || typeof m.fileKey !== 'string' || !m.fileKey || typeof fileIdx !== 'number' || !Number.isInteger(fileIdx) || fileIdx < 0) {
    return { rejected: 'body must be {"jobID": string, "fileKey": string, "fileIdx": integer}' };
  }
  return { tasks: [{ jobID, fileKey: m.fileKey, fileIdx, eTag: typeof m.eTag === 'string' ? m.eTag : undefined, source: 'message' }] };
}

/** The idempotency key of a message's tasks: job, file and object version (ETag), or the SQS message when the version is unknown. */
export const analysisKey = (tasks: AnalysisTask[], messageId: string): string =>
  tasks.map((t) => `${t.jobID}/${t.fileIdx}@${t.eTag ?? `message:${messageId}`}`).join('|') || `empty:${messageId}`;

/**
 * Processes one analysis-queue message: each task analysed, a message that can never succeed recorded as
 * rejected (and not retried). Transient failures (S3, DynamoDB, SES) throw, so SQS retries the message.
 * @returns one outcome per task (or `['rejected']`)
 */
export async function processAnalysisMessage(deps: AnalysisDeps, body: string, messageId: string): Promise<TaskOutcome[]> {
  const parsed = parseAnalysisMessage(body);
  if ('rejected' in parsed) return [await reject(deps, messageId, parsed.rejected, body)];
  const outcomes: TaskOutcome[] = [];
  for (const task of parsed.tasks) outcomes.push(await processTask(deps, task, messageId, body));
  return outcomes;
}

async function reject(deps: AnalysisDeps, messageId: string, reason: string, body: string): Promise<'rejected'> {
  logger.warn('analysis message rejected', { messageId, reason });
  metrics.addMetric('VisualMessagesRejected', MetricUnit.Count, 1);
  await deps.repo.recordRejected(messageId, reason, body);
  return 'rejected';
}

/**
 * Analyses one file of a job and records its findings; finishes the job when it was the last file.
 * Idempotent per job, file and object version: a file already analysed at the object's current ETag is
 * skipped (the job's completion is still checked, so a results mail that failed is sent on the retry).
 */
export async function processTask(deps: AnalysisDeps, task: AnalysisTask, messageId: string, body: string): Promise<TaskOutcome> {
  const job = await deps.repo.getJob(task.jobID);
  if (!job) return reject(deps, messageId, `unknown job ${task.jobID}`, body);
  const file = await deps.repo.getFile(task.jobID, task.fileIdx);
  if (!file) return reject(deps, messageId, `job ${task.jobID} has no file ${task.fileIdx}`, body);
  if (file.fileKey !== task.fileKey) return reject(deps, messageId, `fileKey is not the key of file ${task.fileIdx} of job ${task.jobID}`, body);
  if (task.source === 's3' && job.status === 'created') {
    if (job.kind !== 'single') return reject(deps, messageId, 'upload events submit single-video jobs only', body);
    await deps.repo.transition(job.jobID, 'created', 'submitted', { submitted_at: new Date().toISOString() });
  } else if (job.status === 'created') {
    return reject(deps, messageId, `job ${task.jobID} was not submitted (uploadDone) yet`, body);
  }
  let head;
  try {
    head = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: file.fileKey }));
  } catch (error) {
    if (!(error instanceof NotFound || (error as { name?: string }).name === 'NotFound')) throw error;
    return finish(deps, job, file, { status: 'failed', failure_reason: 'the uploaded file no longer exists' });
  }
  const etag = head.ETag?.replace(/"/g, '');
  const size = head.ContentLength ?? 0;
  if ((file.status === 'done' || file.status === 'failed') && file.etag === etag && file.analysed_at) {
    logger.info('file already analysed at this version, skipped', { jobID: job.jobID, fileIdx: file.fileIdx });
    await completeIfFinished(deps, job.jobID);
    return 'skipped';
  }
  await deps.repo.transition(job.jobID, 'submitted', 'running');
  if (size > maxBytesOf(file.kind)) {
    return finish(deps, job, file, { status: 'failed', failure_reason: `the file is ${size} bytes; the limit for a ${file.kind} is ${maxBytesOf(file.kind)}`, etag, size });
  }
  await deps.repo.updateFile(job.jobID, file.fileIdx, { status: 'running' });
  let bytes: Buffer;
  try {
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: file.fileKey }));
    bytes = Buffer.from(await object.Body!.transformToByteArray());
  } catch (error) {
    if (!(error instanceof NoSuchKey)) throw error;
    return finish(deps, { ...job, status: 'running' }, { ...file, status: 'running' }, { status: 'failed', failure_reason: 'the uploaded file no longer exists' });
  }
  const running = { ...file, status: 'running' as const };
  const sniffed = sniffContentType(bytes);
  if (!sniffed || !sniffed.startsWith(`${file.kind}/`)) {
    return finish(deps, job, running, {
      status: 'failed', etag, size: bytes.length,
      failure_reason: `${file.fileName} is not ${file.kind === 'image' ? 'an image' : 'a video'}: its content is ${sniffed ?? 'not a known media format'}`,
    });
  }
  const started = Date.now();
  try {
    const findings = await deps.analysers[file.kind].analyse({ bytes, fileName: file.fileName, contentType: sniffed, kind: file.kind });
    let annotated: string | undefined;
    if (file.kind === 'image') {
      annotated = annotatedKey(job.jobID, file.fileIdx);
      await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: annotated, Body: await annotate(bytes, findings), ContentType: 'image/png' }));
    }
    metrics.addMetric('VisualFilesAnalysed', MetricUnit.Count, 1);
    metrics.addMetric('VisualAnalysisTime', MetricUnit.Milliseconds, Date.now() - started);
    return finish(deps, job, running, { status: 'done', findings, annotated_key: annotated, etag, size: bytes.length });
  } catch (error) {
    if (!(error instanceof UnanalysableFileError)) throw error;
    return finish(deps, job, running, { status: 'failed', failure_reason: error.message, etag, size: bytes.length });
  }
}

async function finish(deps: AnalysisDeps, job: JobRecord, file: FileRecord, outcome: Parameters<VisualRepository['finishFile']>[3]): Promise<TaskOutcome> {
  if (outcome.status === 'failed') {
    logger.warn('file could not be analysed', { jobID: job.jobID, fileIdx: file.fileIdx, reason: outcome.failure_reason });
    metrics.addMetric('VisualFilesFailed', MetricUnit.Count, 1);
  }
  await deps.repo.finishFile(job.jobID, file.fileIdx, file.status, outcome);
  await completeIfFinished(deps, job.jobID);
  return outcome.status;
}

/** Lifetime of the links in the results mail, seconds (7 days, SigV4's longest). */
export const RESULTS_LINK_TTL = MAX_PRESIGN_SECONDS;

/**
 * When every file finished: the job becomes `done` (or `failed` when no file could be analysed), and a
 * verified address gets the one results mail. Safe to call again: each step is conditional.
 */
export async function completeIfFinished(deps: AnalysisDeps, jobID: string): Promise<void> {
  const job = await deps.repo.getJob(jobID);
  if (!job || job.files_finished < job.file_count) return;
  const status = job.files_failed >= job.file_count ? 'failed' : 'done';
  if (job.status === 'running' || job.status === 'submitted') {
    const finishedAt = new Date().toISOString();
    if (await deps.repo.transition(jobID, job.status, status, { finished_at: finishedAt })) {
      metrics.addMetric('VisualJobsFinished', MetricUnit.Count, 1);
      Object.assign(job, { status, finished_at: finishedAt });
    }
  }
  if (!job.verified || !job.email || job.results_mailed_to) return;
  if (!(await deps.repo.claimResultsMail(jobID, job.email))) return;
  try {
    const { files } = (await deps.repo.getJobWithFiles(jobID))!;
    const links: Record<number, string> = {};
    for (const file of files) {
      if (file.annotated_key) links[file.fileIdx] = (await presignDownload(deps.s3, { bucket: deps.bucket, key: file.annotated_key, expiresIn: RESULTS_LINK_TTL })).url;
    }
    await sendResultsMail(deps.mail, { ...job, status }, files, links);
  } catch (error) {
    await deps.repo.releaseResultsMail(jobID);
    throw error;
  }
}
