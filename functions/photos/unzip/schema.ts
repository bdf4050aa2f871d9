import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { archiveUpload, unzipDone, unzipJob, unzipQueued } from '../lib/responses';

/**
 * POST /photos/unzip with the archive as the body (raw `application/zip`, or multipart/form-data field
 * `file`). The JSON variants (`{archive_key}`, `{upload}`, `{job_id}`) are validated by ./json/schema.ts.
 */
export const schema = {
  query: { type: 'object', additionalProperties: false },
} as const satisfies RouteSchema;

/** What the route answers (plain envelope: the whole body). */
export const contract = {
  summary: 'Unpack a ZIP of photos',
  description: 'The archive as the body (raw application/zip or multipart field file), or JSON: {archive_key} unpacks an archive uploaded with a presigned POST, {upload: {size}} asks for that POST, {job_id} reports an asynchronous job. The central directory is checked first: a malicious archive (zip bomb, path traversal, too many entries) is refused whole (422) before anything lands. Small archives are unpacked in the request (200), larger ones queued (202).',
  responses: { 200: { description: 'Unpacked in the request, or (job_id) the job\'s state', body: { oneOf: [unzipDone, unzipJob] } }, 201: { description: 'The presigned POST of an archive', body: archiveUpload }, 202: { description: 'Queued: poll with {job_id}', body: unzipQueued }, 422: { description: 'The archive is refused: the message says why' } },
} as const satisfies RouteContract;
