import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { MAX_DATA_BYTES, MAX_UPLOAD_URLS } from '../lib/limits';
import { filename, objectArray, objectList, projectBody, typeMethod } from '../lib/schemas';

/** POST /projects/upload_urls (new in Darkroom: presigned POSTs instead of AWS credentials). */
export const schema = {
  body: projectBody({
    type_method: { ...typeMethod, description: 'default ORIGINAL' },
    ls_object_info: objectList(MAX_UPLOAD_URLS, {
      filename,
      size: { type: 'integer', minimum: 1, maximum: MAX_DATA_BYTES, description: 'bytes; the upload policy caps the object at this size' },
      content_type: { type: 'string', pattern: '^image/[a-z0-9.+-]+$' },
    }, ['filename', 'size']),
  }, ['ls_object_info']),
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Presigned uploads',
  description: 'One presigned POST per file (key `<identity_id>/<project_id>/<filename>`, image type fixed, size capped at the declared size, valid 15 minutes). '
    + 'POST the `fields`, then the file as field `file`, to `url`; then register the objects with /projects/upload_update.',
  responses: {
    200: {
      description: 'The uploads',
      body: {
        type: 'object',
        properties: {
          items: objectArray({
            filename: { type: 'string' }, key: { type: 'string' }, s3_key: { type: 'string', description: 'with the bucket, as upload_update takes it' },
            upload: {
              type: 'object',
              properties: {
                method: { const: 'POST' }, url: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } },
                content_type: { type: 'string' }, max_bytes: { type: 'integer' }, expires_in: { type: 'integer' }, expires_at: { type: 'string', format: 'date-time' },
              },
              required: ['method', 'url', 'fields', 'content_type', 'max_bytes', 'expires_in', 'expires_at'],
            },
          }, ['filename', 'key', 's3_key', 'upload']),
        },
        required: ['items'],
      },
    },
  },
} as const satisfies RouteContract;
