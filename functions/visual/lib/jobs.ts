import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Caller } from '@darkroom/jwt';
import {
  badRequest, conflict, forbidden, logger, metrics, MetricUnit, notFound, payloadTooLarge, presignDownload, presignPut, respond,
  sanitizeFileName, tooManyRequests, unsupportedMediaType, type HttpResult, type PresignedUrl,
} from '@darkroom/runtime';
import { codeMatches, hashCode, newCode } from './codes';
import { sendCodeMail, type MailDeps } from './mail';
import { contentTypeOf, IMAGE_CONTENT_TYPES, MAX_IMAGE_BYTES, UPLOAD_URL_TTL, VIDEO_CONTENT_TYPES } from '@darkroom/media';
import { LIMITS, uploadKey, type FileKind, type FileRecord, type JobKind, type JobRecord } from './model';
import type { VisualRepository } from './repository';

/** What the job routes need: the table, the bucket, the analysis queue and SES. */
export interface JobDeps {
  repo: VisualRepository;
  s3: S3Client;
  bucket: string;
  sqs?: SQSClient;
  queueUrl?: string;
  mail: MailDeps;
}

/** The body of an analysis message: the seed's manual trigger, plus the object's ETag when the sender knows it. */
export interface AnalysisMessage { jobID: string; fileKey: string; fileIdx: number; eTag?: string }

const sameAddress = (a: string | undefined, b: string) => a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/** The job, if it exists and the caller may see it: a job created with a token is its owner's only (others get the same 404 as for no job). */
async function accessibleJob(deps: Pick<JobDeps, 'repo'>, caller: Caller | undefined, jobID: string): Promise<JobRecord> {
  const job = await deps.repo.getJob(jobID);
  if (!job || (job.owner !== undefined && job.owner !== caller?.sub)) throw notFound(`Job ${jobID} not found`);
  return job;
}

/** A file the client names: sanitised for the key, typed by extension (images and videos only), with the size it declared. */
function acceptedFile(fileName: string, only?: FileKind, fileSize?: number): { name: string; contentType: string; kind: FileKind; size?: number } {
  const name = sanitizeFileName(fileName);
  if (!name) throw badRequest('fileName has no usable characters');
  const contentType = contentTypeOf(name);
  const kind: FileKind | undefined = contentType?.startsWith('image/') ? 'image' : contentType?.startsWith('video/') ? 'video' : undefined;
  const images = Object.keys(IMAGE_CONTENT_TYPES).join(', ');
  const videos = Object.keys(VIDEO_CONTENT_TYPES).join(', ');
  if (!contentType || !kind || (only && kind !== only)) {
    throw unsupportedMediaType(only === 'video' ? `Only videos can be analysed here (${videos})` : `Only images (${images}) and videos (${videos}) can be analysed`);
  }
  if (fileSize !== undefined && fileSize > maxBytesOf(kind)) {
    throw payloadTooLarge(`fileSize ${fileSize} is over the limit for a${kind === 'image' ? 'n image' : ' video'}: ${maxBytesOf(kind)} bytes`);
  }
  return { name, contentType, kind, size: fileSize };
}

/**
 * A presigned PUT of one file, valid {@link UPLOAD_URL_TTL} seconds. The key and the Content-Type are part
 * of the signature, and so is the Content-Length when the client declared `fileSize`: S3 refuses a PUT of
 * another type or another size (403 SignatureDoesNotMatch).
 */
async function uploadUrl(deps: Pick<JobDeps, 's3' | 'bucket'>, file: Pick<FileRecord, 'fileKey' | 'content_type' | 'declared_size'>): Promise<PresignedUrl> {
  return presignPut(deps.s3, { bucket: deps.bucket, key: file.fileKey, contentType: file.content_type, contentLength: file.declared_size, expiresIn: UPLOAD_URL_TTL });
}

/** 201 `{uploadUrl, url, jobID, fileIdx, content_type, expires_in, expires_at}`: `uploadUrl` is seed 000's name of `url`. */
const uploadAnswer = async (deps: Pick<JobDeps, 's3' | 'bucket'>, file: Omit<FileRecord, 'pk' | 'sk' | 'expires_at'>) => {
  const link = await uploadUrl(deps, file);
  return respond({ uploadUrl: link.url, ...link, jobID: file.jobID, fileIdx: file.fileIdx, content_type: file.content_type }, { statusCode: 201 });
};

function fileRecord(jobID: string, kind: JobKind, fileIdx: number, file: ReturnType<typeof acceptedFile>): Omit<FileRecord, 'pk' | 'sk' | 'expires_at'> {
  return {
    jobID, fileIdx, fileName: file.name, fileKey: uploadKey(kind, jobID, fileIdx, file.name), kind: file.kind, content_type: file.contentType,
    declared_size: file.size, status: 'pending',
  };
}

/**
 * Creates a job with its first file and e-mails a verification code (seed 000 step 1, first file).
 * Nothing stays behind when the mail cannot be sent: the job is removed and the error rethrown.
 * @returns 201 `{uploadUrl, url, jobID, fileIdx: 0, content_type, expires_in, expires_at}`
 * @throws 400 for a file name with nothing usable; 415 for a file that is neither an image nor a video;
 *   413 for a `fileSize` (bytes) over the kind's limit ({@link maxBytesOf})
 */
export async function createJob(deps: JobDeps, caller: Caller | undefined, input: { email: string; fileName: string; fileSize?: number }, kind: JobKind = 'batch', only?: FileKind): Promise<HttpResult> {
  const file = acceptedFile(input.fileName, only, input.fileSize);
  const jobID = randomUUID();
  const code = input.email ? newCode() : undefined;
  const now = Date.now();
  const record = fileRecord(jobID, kind, 0, file);
  await deps.repo.createJob({
    jobID, kind, status: 'created', owner: caller?.sub, email: input.email || undefined, verified: false,
    code_hash: code ? hashCode(jobID, code) : undefined, code_expires_at: code ? Math.floor(now / 1000) + LIMITS.codeTtlSeconds : undefined,
    code_attempts: 0, email_changes: 0, file_count: 1, files_finished: 0, files_failed: 0, created_at: new Date(now).toISOString(),
  }, record);
  if (code) {
    try {
      await sendCodeMail(deps.mail, input.email, jobID, code);
    } catch (error) {
      await deps.repo.deleteJob(jobID, 1).catch((cleanup: unknown) => logger.error('could not remove a job whose code mail failed', { error: cleanup as Error }));
      throw error;
    }
  }
  metrics.addMetric('VisualJobsCreated', MetricUnit.Count, 1);
  return uploadAnswer(deps, record);
}

/**
 * Adds a file to a job (seed 000 step 1, following files). No mail: the code went out with the first file.
 * @returns 201 `{uploadUrl, url, jobID, fileIdx, content_type, expires_in, expires_at}`
 * @throws 404 unknown job; 403 when `email` is not the job's; 409 when the job was submitted, is a
 *   single-video job, or has {@link LIMITS.filesPerJob} files; 400/413/415 as {@link createJob}
 */
export async function addFile(deps: JobDeps, caller: Caller | undefined, input: { email: string; fileName: string; jobID: string; fileSize?: number }): Promise<HttpResult> {
  const file = acceptedFile(input.fileName, undefined, input.fileSize);
  for (let attempt = 0; attempt < 5; attempt++) {
    const job = await accessibleJob(deps, caller, input.jobID);
    if (!sameAddress(job.email, input.email)) throw forbidden('email is not the address of this job');
    if (job.kind === 'single') throw conflict('A single-video job takes exactly one file');
    if (job.status !== 'created') throw conflict(`Job ${job.jobID} is ${job.status}: it takes no more files`);
    if (job.file_count >= LIMITS.filesPerJob) throw conflict(`A job takes at most ${LIMITS.filesPerJob} files`);
    const record = fileRecord(job.jobID, job.kind, job.file_count, file);
    if (await deps.repo.addFile(job, record)) {
      return uploadAnswer(deps, record);
    }
  }
  throw conflict('The job is being changed by another request: retry');
}

/**
 * Checks a verification code (seed 000 step 3). Every try counts before the comparison (constant time),
 * so parallel guesses cannot beat the limit.
 * @returns `{jobID, verified: true}` (also for a job already verified)
 * @throws 404 unknown job; 409 when no code was sent; 400 for a wrong or expired code;
 *   429 once {@link LIMITS.codeAttempts} tries were wrong (a new address, `{email, jobID}`, sends a new code)
 */
export async function verifyCode(deps: JobDeps, caller: Caller | undefined, input: { verificationCode: string | number; jobID: string }) {
  const job = await accessibleJob(deps, caller, input.jobID);
  if (job.verified) return { jobID: job.jobID, verified: true };
  if (!job.code_hash) throw conflict('No verification code was sent for this job: give an e-mail address with {email, jobID}');
  const locked = () => tooManyRequests(`Too many wrong codes: verification of job ${job.jobID} is locked; ask for a new code with {email, jobID}`);
  const counted = await deps.repo.countCodeAttempt(job.jobID);
  if (!counted) throw locked();
  const code = String(input.verificationCode).padStart(6, '0');
  if (!codeMatches(job.jobID, code, counted.code_hash)) {
    metrics.addMetric('VisualWrongCodes', MetricUnit.Count, 1);
    if (counted.code_attempts >= LIMITS.codeAttempts) throw locked();
    throw badRequest(`verificationCode is wrong (${LIMITS.codeAttempts - counted.code_attempts} tries left)`);
  }
  if ((counted.code_expires_at ?? 0) < Date.now() / 1000) throw badRequest('verificationCode has expired: ask for a new code with {email, jobID}');
  if (!(await deps.repo.markVerified(job.jobID, counted.code_hash!))) throw conflict('The code was replaced meanwhile: use the newest code');
  return { jobID: job.jobID, verified: true };
}

/**
 * Changes a job's e-mail address (seed 000 step 3.1): a new code goes to the new address, verification
 * starts over (tries reset). At most {@link LIMITS.emailChanges} changes per job.
 * @returns `{jobID, email, verified: false}`
 * @throws 404 unknown job; 409 for a finished job; 429 past the change limit
 */
export async function changeEmail(deps: JobDeps, caller: Caller | undefined, input: { email: string; jobID: string }) {
  const job = await accessibleJob(deps, caller, input.jobID);
  if (job.status === 'done' || job.status === 'failed') throw conflict(`Job ${job.jobID} is ${job.status}: its address can no longer change`);
  const code = newCode();
  const changed = await deps.repo.changeEmail(job.jobID, input.email, hashCode(job.jobID, code), Math.floor(Date.now() / 1000) + LIMITS.codeTtlSeconds);
  if (!changed) {
    const now = await deps.repo.getJob(job.jobID);
    if (now && now.email_changes >= LIMITS.emailChanges) throw tooManyRequests(`A job's address changes at most ${LIMITS.emailChanges} times`);
    throw conflict(`Job ${job.jobID} finished: its address can no longer change`);
  }
  await sendCodeMail(deps.mail, input.email, job.jobID, code);
  return { jobID: job.jobID, email: input.email, verified: false };
}

/** Largest object accepted per kind, bytes. */
export const maxBytesOf = (kind: FileKind): number => (kind === 'image' ? MAX_IMAGE_BYTES : LIMITS.maxVideoBytes);

/**
 * Submits a job (seed 000 step 4): every file must be in S3 (HeadObject) and within its size limit; then
 * the job is `submitted` and one analysis message per file is sent. A repeated call answers the job's
 * state without sending again. When sending fails, the job goes back to `created`, so a retry resends.
 * @returns 202 `{jobID, status, files}`
 * @throws 404 unknown job; 409 naming the files not uploaded; 413 naming a file over its size limit
 */
export async function submitJob(deps: JobDeps, caller: Caller | undefined, input: { jobID: string }): Promise<HttpResult> {
  const job = await accessibleJob(deps, caller, input.jobID);
  const answer = (status: string, files: number) => respond({ jobID: job.jobID, status, files }, { statusCode: 202 });
  if (job.status !== 'created') return answer(job.status, job.file_count);
  const { files } = (await deps.repo.getJobWithFiles(job.jobID))!;
  const heads = await Promise.all(files.map(async (file) => {
    try {
      const head = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: file.fileKey }));
      return { file, etag: head.ETag?.replace(/"/g, ''), size: head.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return { file, missing: true as const };
      throw error;
    }
  }));
  const missing = heads.filter((h) => 'missing' in h).map((h) => `#${h.file.fileIdx} ${h.file.fileName}`);
  if (missing.length) throw conflict(`Not uploaded yet: ${missing.join(', ')}. Upload every file to its uploadUrl, then send uploadDone again`);
  const uploaded = heads as Array<{ file: FileRecord; etag?: string; size: number }>;
  const oversized = uploaded.filter((h) => h.size > maxBytesOf(h.file.kind));
  if (oversized.length) {
    throw payloadTooLarge(`Too large: ${oversized.map((h) => `#${h.file.fileIdx} ${h.file.fileName} (${h.size} bytes; the limit for a ${h.file.kind} is ${maxBytesOf(h.file.kind)})`).join(', ')}`);
  }
  if (!(await deps.repo.transition(job.jobID, 'created', 'submitted', { submitted_at: new Date().toISOString() }))) {
    const now = (await deps.repo.getJob(job.jobID))!;
    return answer(now.status, now.file_count);
  }
  try {
    await sendAnalysisMessages(deps, uploaded.map((h) => ({ jobID: job.jobID, fileKey: h.file.fileKey, fileIdx: h.file.fileIdx, eTag: h.etag })));
  } catch (error) {
    await deps.repo.transition(job.jobID, 'submitted', 'created').catch(() => undefined);
    throw error;
  }
  await deps.repo.markQueued(job.jobID, uploaded.map((h) => ({ fileIdx: h.file.fileIdx, etag: h.etag, size: h.size })));
  metrics.addMetric('VisualJobsSubmitted', MetricUnit.Count, 1);
  return answer('submitted', files.length);
}

/** Sends analysis messages in batches of 10 (SQS's SendMessageBatch limit). @throws Error when SQS refuses any */
async function sendAnalysisMessages(deps: JobDeps, messages: AnalysisMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const batch = messages.slice(start, start + 10);
    const { Failed } = await deps.sqs!.send(new SendMessageBatchCommand({
      QueueUrl: deps.queueUrl!,
      Entries: batch.map((message) => ({ Id: String(message.fileIdx), MessageBody: JSON.stringify(message) })),
    }));
    if (Failed?.length) throw new Error(`SQS refused ${Failed.length} analysis message(s): ${Failed.map((f) => f.Code).join(', ')}`);
  }
}

/** Lifetime of the presigned GET URLs of annotated images, seconds. */
export const DOWNLOAD_URL_TTL = 900;

/**
 * A job's status and results (GET /visual/job/{jobID}), with presigned GET URLs of annotated images.
 * @throws 404 for an unknown job, or another user's
 */
export async function jobStatus(deps: Pick<JobDeps, 'repo' | 's3' | 'bucket'>, caller: Caller | undefined, jobID: string) {
  const found = await deps.repo.getJobWithFiles(jobID);
  if (!found || (found.job.owner !== undefined && found.job.owner !== caller?.sub)) throw notFound(`Job ${jobID} not found`);
  const { job, files } = found;
  return {
    jobID: job.jobID,
    kind: job.kind,
    status: job.status,
    verified: job.verified,
    created_at: job.created_at,
    submitted_at: job.submitted_at,
    finished_at: job.finished_at,
    files: await Promise.all(files.map(async (file) => ({
      fileIdx: file.fileIdx,
      fileName: file.fileName,
      fileKey: file.fileKey,
      kind: file.kind,
      status: file.status,
      findings: file.findings ?? [],
      failure_reason: file.failure_reason,
      annotated: file.annotated_key ? await presignDownload(deps.s3, { bucket: deps.bucket, key: file.annotated_key, expiresIn: DOWNLOAD_URL_TTL }) : undefined,
    }))),
  };
}
