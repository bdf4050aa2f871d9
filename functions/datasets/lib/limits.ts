/**
 * Every cap of the datasets service in one place, with where each number comes from. Bytes unless named.
 */
import { MAX_IMAGE_BYTES, UPLOAD_URL_TTL as MEDIA_UPLOAD_URL_TTL } from '@darkroom/media';

/** Project names: 1-75 characters of letters, digits, `_`, `-`, `.` and space; case-sensitive. */
export const PROJECT_NAME_PATTERN = '^[A-Za-z0-9_. -]{1,75}$';
export const MAX_PROJECT_NAME_LENGTH = 75;
/** Longest project description, characters. */
export const MAX_DESCRIPTION_LENGTH = 1000;
/** `project_id`: `<project_name>_<32 hex>` (seed 003), or `prj_sample_<32 hex>`. */
export const PROJECT_ID_PATTERN = '^[A-Za-z0-9_. -]{1,75}_[0-9a-f]{32}$';

/**
 * File names inside a project: 1-255 characters, no path separators or control characters, not `.`
 * or `..` (S3 keys allow 1,024 bytes; 255 is the usual file-system limit).
 */
export const FILENAME_PATTERN = '^(?!\\.{1,2}$)[^/\\\\\\u0000-\\u001f\\u007f]{1,255}$';
export const MAX_FILENAME_LENGTH = 255;

/** `/projects/list_data`: default and largest `num_limit` (seed 003: "maximum is 500"). */
export const LIST_DATA_PAGE = { default: 100, max: 500 } as const;
/** Names per `/projects/upload_check` call. */
export const MAX_CHECK_NAMES = 1000;
/** Files per `/projects/upload_urls` call. */
export const MAX_UPLOAD_URLS = 100;
/** Objects per `/projects/upload_update` and `/projects/delete_images` call (each is HEADed or deleted). */
export const MAX_REGISTER_OBJECTS = 1000;
/** Largest image accepted through `upload_urls`, bytes: the media services' cap (50 MiB). */
export const MAX_DATA_BYTES = MAX_IMAGE_BYTES;
/** Lifetime of an upload policy, seconds: the media services' (15 minutes). */
export const UPLOAD_URL_TTL = MEDIA_UPLOAD_URL_TTL;
/** Lifetime of an export's presigned GET, seconds (seed 003: "this link expire after 1 hours"). */
export const DOWNLOAD_URL_TTL = 3600;

/**
 * DynamoDB TransactWriteItems takes at most 100 actions (raised from 25 in 2022); a registration batch
 * is its data items plus the one project counter update.
 */
export const MAX_TRANSACTION_ITEMS = 100;
export const REGISTER_BATCH = MAX_TRANSACTION_ITEMS - 1;
/** Attempts of an optimistic registration batch that lost a race (condition failed or transaction conflict). */
export const MAX_TRANSACTION_ATTEMPTS = 8;
/** S3 DeleteObjects takes at most 1,000 keys a request. */
export const DELETE_OBJECTS_BATCH = 1000;
/** Parallel S3 calls of one request (HeadObject, CopyObject). */
export const S3_CONCURRENCY = 16;

/** How long task records (and their running markers) are kept, seconds (7 days). */
export const TASK_TTL = 7 * 24 * 3600;
/**
 * Export multipart upload: part size and parts in flight. Memory is about partSize x (queueSize + 1)
 * whatever the export's size; S3 allows 10,000 parts, so 16 MiB parts cap an export at 156 GiB.
 */
export const EXPORT_PART_SIZE = 16 * 1024 * 1024;
export const EXPORT_QUEUE_SIZE = 2;
/** Objects an export opens ahead of the one it is writing (hides S3's per-request latency; each costs a socket buffer). */
export const EXPORT_PREFETCH = 4;
/** Progress is written every this many entries (and at the end). */
export const EXPORT_PROGRESS_EVERY = 50;
/** Time `/projects/delete` spends purging in the request before handing the rest to the queue, ms. */
export const DELETE_INLINE_BUDGET_MS = 10_000;
