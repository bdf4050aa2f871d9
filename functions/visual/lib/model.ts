/**
 * The visual service's data model: jobs, their files and findings, the limits, and where each lives
 * in S3. Pure values and types; no AWS calls.
 */

/** Lifecycle of a job: files being added -> uploadDone -> analysis started -> every file finished. */
export type JobStatus = 'created' | 'submitted' | 'running' | 'done' | 'failed';
/** Lifecycle of a file: upload URL issued -> queued for analysis -> analysing -> done, or failed with a reason. */
export type FileStatus = 'pending' | 'queued' | 'running' | 'done' | 'failed';
export type FileKind = 'image' | 'video';
/** A batch job (POST /visual/job) or a single-video job (POST /visual/Seenomaly), submitted by its upload. */
export type JobKind = 'batch' | 'single';

/** Limits of a job, and their reasons. */
export const LIMITS = {
  /** Files a job takes: each file is one analysis message and one results row, so this bounds a job's cost. */
  filesPerJob: 100,
  /** A verification code's lifetime, seconds (15 minutes, as the upload URLs sent with it). */
  codeTtlSeconds: 900,
  /** Wrong codes before the job's verification locks: 5 tries leave a 6-digit code a 1-in-200,000 chance. */
  codeAttempts: 5,
  /** E-mail changes per job: each sends a mail, so this caps what one jobID can make SES send. */
  emailChanges: 5,
  /** Largest video accepted, bytes (a screen recording of a few minutes). */
  maxVideoBytes: 200 * 1024 * 1024,
  /** Longest video analysed, seconds; longer ones are analysed up to here, and the finding says so. */
  maxVideoSeconds: 120,
  /** How long jobs, their files and annotated images are kept, days (the bucket's lifecycle rule says the same). */
  retentionDays: 30,
} as const;

/** A region of an image, in pixels of the original. */
export interface Region { x: number; y: number; width: number; height: number }

/** What an analyser found. `score` is the analyser's confidence, 0..1; videos give `frame_time` in seconds. */
export interface Finding {
  category: FindingCategory;
  score: number;
  region: Region;
  frame_time?: number;
  /** A short human-readable explanation with the measured value and the threshold. */
  detail?: string;
}

/** Image categories (OwlEye's display issues) and video categories (Seenomaly's animation don'ts). */
export const IMAGE_CATEGORIES = ['blank_screen', 'blurred_screen', 'low_contrast', 'missing_image', 'null_value'] as const;
export const VIDEO_CATEGORIES = ['frozen_frames', 'flashing', 'stutter', 'long_transition', 'abrupt_transition'] as const;
export type FindingCategory = (typeof IMAGE_CATEGORIES)[number] | (typeof VIDEO_CATEGORIES)[number] | 'truncated_video';

/** The job item: `pk` = `JOB#<jobID>`, `sk` = `JOB`. */
export interface JobRecord {
  pk: string;
  sk: 'JOB';
  jobID: string;
  kind: JobKind;
  status: JobStatus;
  /** Cognito sub of the caller who created it with a token; absent for anonymous jobs (the jobID is the capability). */
  owner?: string;
  email?: string;
  verified: boolean;
  /** sha256 of `<jobID>:<code>`: the code itself is never stored or logged. */
  code_hash?: string;
  /** When the code stops working, epoch seconds (the unit of the `expires_at` TTL beside it). */
  code_expires_at?: number;
  code_attempts: number;
  email_changes: number;
  file_count: number;
  files_finished: number;
  files_failed: number;
  created_at: string;
  submitted_at?: string;
  finished_at?: string;
  results_mailed_to?: string;
  /** DynamoDB TTL, epoch seconds. */
  expires_at: number;
}

/** A file item: `pk` = `JOB#<jobID>`, `sk` = `FILE#<fileIdx, 3 digits>`. */
export interface FileRecord {
  pk: string;
  sk: string;
  jobID: string;
  fileIdx: number;
  fileName: string;
  fileKey: string;
  kind: FileKind;
  content_type: string;
  /** The size the client declared (`fileSize`), bytes: the upload URL signs it as Content-Length. */
  declared_size?: number;
  status: FileStatus;
  findings?: Finding[];
  annotated_key?: string;
  failure_reason?: string;
  /** The analysed object's ETag and size (bytes). */
  etag?: string;
  size?: number;
  analysed_at?: string;
  expires_at: number;
}

export const jobPk = (jobID: string) => `JOB#${jobID}`;
export const fileSk = (fileIdx: number) => `FILE#${String(fileIdx).padStart(3, '0')}`;

/** S3 key of an uploaded file: `jobs/<jobID>/<fileIdx>/<name>` (batch) or `single/<jobID>/0/<name>`, whose prefix the S3 notification selects. */
export const uploadKey = (kind: JobKind, jobID: string, fileIdx: number, fileName: string) =>
  `${kind === 'single' ? 'single' : 'jobs'}/${jobID}/${fileIdx}/${fileName}`;

/** S3 key of a file's annotated copy. */
export const annotatedKey = (jobID: string, fileIdx: number) => `annotated/${jobID}/${fileIdx}.png`;

/** The jobID and fileIdx an upload key names, or undefined for a key of another shape. */
export function parseUploadKey(key: string): { kind: JobKind; jobID: string; fileIdx: number } | undefined {
  const match = /^(jobs|single)\/([0-9a-f-]{36})\/(\d{1,3})\/[^/]+$/.exec(key);
  return match ? { kind: match[1] === 'single' ? 'single' : 'batch', jobID: match[2]!, fileIdx: Number(match[3]) } : undefined;
}

/** UUID v4, as jobIDs are (RFC 9562 §5.4). */
export const UUID_V4 = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
