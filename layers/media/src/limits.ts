/**
 * Upload limits every media service shares, so one thumbnail worker treats every service's originals alike.
 */

/** Largest original accepted, bytes (50 MiB; enforced by the presigned POST policy, and again by the thumbnail worker). */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
/** Lifetime of a presigned upload URL, seconds (15 minutes). */
export const UPLOAD_URL_TTL = 900;
/** How long an unused upload's pending record is kept, seconds (a day, then DynamoDB's TTL removes it). */
export const PENDING_TTL = 24 * 3600;
