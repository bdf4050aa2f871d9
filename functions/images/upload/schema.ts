import { presignedUploadSchema, type RouteContract, type RouteSchema } from '@darkroom/runtime';

/** POST /images/upload: seed 001's body, plus an optional explicit content type. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      file_name: { type: 'string', minLength: 1, maxLength: 1024 },
      user_id: { type: 'string', minLength: 1, maxLength: 128 },
      content_type: { type: 'string', pattern: '^image/[a-z0-9.+-]+$' },
    },
    required: ['file_name'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (plain envelope: the whole body). */
export const contract = {
  summary: 'Get an upload URL for an image',
  description: 'Creates a pending image and a presigned S3 POST whose policy fixes the key and Content-Type and caps the size at 50 MiB, valid 15 minutes. The upload triggers the thumbnail pipeline; GET /images/download/thumbnail answers 404 until the thumbnail is ready. 415 for a file that is not an image by its name or content_type, 403 when user_id names another user.',
  responses: {
    201: {
      description: 'The pending image and its upload',
      body: {
        type: 'object',
        properties: {
          image_id: { type: 'string', format: 'uuid' },
          file_name: { type: 'string', minLength: 1, description: 'the sanitised file name' },
          status: { const: 'pending' },
          upload: presignedUploadSchema,
        },
        required: ['image_id', 'file_name', 'status', 'upload'],
        additionalProperties: false,
      },
    },
    415: { description: 'Not an image type' },
  },
} as const satisfies RouteContract;
