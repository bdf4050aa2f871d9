/**
 * Every cap and threshold of the photos service, in one place, with where each number comes from
 * (DESIGN.md §4 "Uploads" and "ZIP upload"). Bytes unless named otherwise.
 */
import { MAX_IMAGE_BYTES } from '@darkroom/media';

/**
 * Largest photo accepted in a request body (`POST /photos/upload_single_photo`), bytes.
 * A synchronous Lambda invocation carries at most 6 MB (6,291,456 bytes) of request payload, and API
 * Gateway base64-encodes binary bodies (4/3 growth): 4,500,000 bytes become 6,000,000 of base64, which
 * leaves ~290 KB for the event's headers, multipart framing and JSON. Larger photos use the presigned POST.
 */
export const MAX_DIRECT_BYTES = 4_500_000;

/** Largest photo, bytes: the images service's cap (50 MiB), so the one thumbnail worker treats both alike. */
export const MAX_PHOTO_BYTES = MAX_IMAGE_BYTES;

/**
 * Limits applied to every ZIP archive, from its central directory before anything is inflated AND again
 * by counting bytes while inflating (a header may lie).
 */
export const ARCHIVE_LIMITS = {
  /** Largest archive accepted through a presigned POST, bytes (2 GiB: the total uncompressed cap, as photos barely compress). */
  maxArchiveBytes: 2 * 1024 ** 3,
  /** Entries per archive (10,000: a large camera roll; the central directory of 100,000 tiny entries is refused before reading them). */
  maxEntries: 10_000,
  /** Uncompressed size of one entry (50 MiB: the largest photo, {@link MAX_PHOTO_BYTES}). */
  maxEntryBytes: MAX_PHOTO_BYTES,
  /** Uncompressed size of all entries (2 GiB: what one worker run unpacks within its 15-minute timeout at the measured throughput). */
  maxTotalBytes: 2 * 1024 ** 3,
  /**
   * Uncompressed:compressed ratio, per entry and for the whole archive (100:1). Photos are already
   * compressed (JPEG/PNG/WebP deflate at ~1:1); 1 GiB of zeros deflates ~1000:1.
   */
  maxRatio: 100,
  /** Entries smaller than this are exempt from the per-entry ratio (a 4 KB blank PNG may deflate 200:1 harmlessly). */
  ratioExemptBytes: 64 * 1024,
  /** Longest entry name in the archive, characters (the ZIP format allows 65,535). */
  maxEntryNameLength: 1024,
} as const;

/** The shape of {@link ARCHIVE_LIMITS}, so tests and benchmarks can pass other numbers. */
export type ArchiveLimits = { [K in keyof typeof ARCHIVE_LIMITS]: number };

/**
 * When an archive is unpacked in the request rather than by the worker: both at most this many entries
 * and this many uncompressed bytes (checked on the central directory). Measured on the fixture photos:
 * ~25 entries/s on one vCPU with S3 writes, so 25 entries and 48 MiB fit well within API Gateway's 29 s
 * integration timeout. Anything larger runs on the `unzip` queue and reports progress.
 */
export const SYNC_UNZIP = { maxEntries: 25, maxTotalBytes: 48 * 1024 * 1024 } as const;

/** Photos listed per page: default and most (`POST /photos/list {limit}`). */
export const LIST_PAGE = { default: 50, max: 200 } as const;

/** Files per `POST /photos/delete {files}` call. */
export const MAX_DELETE_FILES = 100;

/** Lifetime of presigned GET URLs (downloads, thumbnails), seconds. */
export const URL_TTL = 900;

/** How long an unzip job's record and result are kept, seconds (the archives bucket expires objects after 1 day). */
export const JOB_TTL = 24 * 3600;

/** Longest file name a client may send, characters; longer names are refused, not truncated. */
export const MAX_CLIENT_NAME_LENGTH = 255;
