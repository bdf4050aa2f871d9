import type { RouteSchema } from '@darkroom/runtime';
import { ARCHIVE_LIMITS } from '../../lib/limits';

/**
 * POST /photos/unzip as JSON, exactly one of:
 * - `{archive_key}`: unpack an archive uploaded with a presigned POST;
 * - `{upload: {size, filename?}}`: get that presigned POST (size in bytes);
 * - `{job_id}`: progress and result of an asynchronous unzip.
 */
export const schema = {
  body: {
    type: 'object',
    properties: {
      archive_key: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^/]+/archives/[A-Za-z0-9-]+\\.zip$' },
      job_id: { type: 'string', pattern: '^[0-9a-f-]{36}$' },
      upload: {
        type: 'object',
        properties: {
          size: { type: 'integer', minimum: 1, maximum: ARCHIVE_LIMITS.maxArchiveBytes },
          filename: { type: 'string', minLength: 1, maxLength: 255 },
        },
        required: ['size'],
        additionalProperties: false,
      },
    },
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
  },
} as const satisfies RouteSchema;
