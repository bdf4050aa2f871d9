/**
 * JSON Schemas of what the photos routes answer (plain envelope: the whole body), shared by their
 * contracts (each route's schema.ts). Sizes in bytes, dimensions in pixels, times ISO 8601.
 */
import { presignedUploadSchema, presignedUrlProperties } from '@darkroom/runtime';

const storedName = { type: 'string', minLength: 1, description: 'the stored name: what download, list and delete take' } as const;
const status = { type: 'string', enum: ['pending', 'processing', 'ready', 'failed'], description: 'processing until the thumbnail is made' } as const;
const time = { type: 'string', format: 'date-time' } as const;

/** A photo as upload answers it (StoredPhoto in uploads.ts). */
export const storedPhoto = {
  type: 'object',
  properties: {
    filename: storedName, size: { type: 'integer', minimum: 1 }, content_type: { type: 'string' },
    width: { type: 'integer', minimum: 1 }, height: { type: 'integer', minimum: 1 }, uploaded_at: time, status,
  },
  required: ['filename', 'size', 'content_type', 'width', 'height', 'uploaded_at', 'status'],
  additionalProperties: false,
} as const;

const describedProperties = {
  ...storedPhoto.properties,
  thumbnail_url: { type: ['string', 'null'], format: 'uri', description: 'presigned GET of the thumbnail once ready, else null' },
  failure_reason: { type: 'string', description: 'why the photo could not be processed (status failed)' },
} as const;

/** A photo as list describes it. */
export const describedPhoto = {
  type: 'object', properties: describedProperties, required: ['filename', 'status', 'uploaded_at', 'thumbnail_url'], additionalProperties: false,
} as const;

/** A photo as download answers it: the description plus a presigned GET of the original. */
export const downloadedPhoto = {
  type: 'object',
  properties: { ...describedProperties, ...presignedUrlProperties },
  required: [...describedPhoto.required, 'url', 'expires_in', 'expires_at'],
  additionalProperties: false,
} as const;

/** The answer to a presigned-upload request: the pending photo and its presigned POST. */
export const pendingPhotoUpload = {
  type: 'object',
  properties: { filename: storedName, status: { const: 'pending' }, upload: presignedUploadSchema },
  required: ['filename', 'status', 'upload'],
  additionalProperties: false,
} as const;

const landed = {
  type: 'object',
  properties: { entry: { type: 'string' }, filename: storedName, size: { type: 'integer', minimum: 1 }, content_type: { type: 'string' } },
  required: ['entry', 'filename', 'size', 'content_type'],
  additionalProperties: false,
} as const;
const skipped = {
  type: 'object', properties: { entry: { type: 'string' }, reason: { type: 'string' } }, required: ['entry', 'reason'], additionalProperties: false,
} as const;
const jobId = { type: 'string', format: 'uuid' } as const;
const counts = { total: { type: 'integer', minimum: 0 }, done: { type: 'integer', minimum: 0 } } as const;

/** An archive unpacked in the request (mode sync). */
export const unzipDone = {
  type: 'object',
  properties: {
    job_id: jobId, mode: { const: 'sync' }, status: { const: 'done' }, ...counts,
    landed_count: { type: 'integer', minimum: 0 }, skipped_count: { type: 'integer', minimum: 0 },
    landed: { type: 'array', items: landed }, skipped: { type: 'array', items: skipped },
  },
  required: ['job_id', 'mode', 'status', 'total', 'done', 'landed_count', 'skipped_count', 'landed', 'skipped'],
  additionalProperties: false,
} as const;

/** An asynchronous unzip job's state, as `{job_id}` reports it (landed and skipped once done). */
export const unzipJob = {
  type: 'object',
  properties: {
    job_id: jobId, mode: { enum: ['sync', 'async'], description: 'sync: unpacked in the request that named this job' }, status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] }, ...counts,
    landed_count: { type: 'integer', minimum: 0 }, skipped_count: { type: 'integer', minimum: 0 },
    landed: { type: 'array', items: landed }, skipped: { type: 'array', items: skipped },
    failure_reason: { type: 'string' }, created_at: time, updated_at: time,
  },
  required: ['job_id', 'mode', 'status', 'total', 'done', 'landed_count', 'skipped_count', 'created_at', 'updated_at'],
  additionalProperties: false,
} as const;

/** A job just queued (mode async), with the request that reports its progress. */
export const unzipQueued = {
  type: 'object',
  properties: {
    job_id: jobId, mode: { const: 'async' }, status: { const: 'queued' }, ...counts,
    status_request: {
      type: 'object',
      properties: {
        method: { const: 'POST' }, path: { const: '/photos/unzip' },
        body: { type: 'object', properties: { job_id: jobId }, required: ['job_id'], additionalProperties: false },
      },
      required: ['method', 'path', 'body'],
      additionalProperties: false,
    },
  },
  required: ['job_id', 'mode', 'status', 'total', 'done', 'status_request'],
  additionalProperties: false,
} as const;

/** The presigned POST of an archive: upload it, then send `{archive_key}`. */
export const archiveUpload = {
  type: 'object',
  properties: { archive_key: { type: 'string', minLength: 1 }, upload: presignedUploadSchema },
  required: ['archive_key', 'upload'],
  additionalProperties: false,
} as const;
