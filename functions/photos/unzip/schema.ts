import type { RouteSchema } from '@darkroom/runtime';

/**
 * POST /photos/unzip with the archive as the body (raw `application/zip`, or multipart/form-data field
 * `file`). The JSON variants (`{archive_key}`, `{upload}`, `{job_id}`) are validated by ./json/schema.ts.
 */
export const schema = {
  query: { type: 'object', additionalProperties: false },
} as const satisfies RouteSchema;
