import { presignedUrlProperties, type RouteContract, type RouteSchema } from '@darkroom/runtime';

/** Query of both download routes: seed 001's `user_id` and `image_id`, plus `redirect=true` for a 302. */
export const downloadSchema = {
  query: {
    type: 'object',
    properties: {
      image_id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' },
      user_id: { type: 'string', minLength: 1, maxLength: 128 },
      redirect: { type: 'boolean', default: false },
    },
    required: ['image_id'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What both download routes answer: the presigned GET as JSON, or a 302 to it with `?redirect=true`. */
export function downloadContract(variant: 'image' | 'thumbnail') {
  const body = {
    type: 'object',
    properties: {
      image_id: { type: 'string', minLength: 1 },
      variant: { const: variant },
      file_name: { type: 'string', minLength: 1 },
      url: { type: 'string', format: 'uri', description: `presigned GET of the ${variant === 'image' ? 'original, byte-identical' : 'JPEG thumbnail'}` },
      expires_in: presignedUrlProperties.expires_in,
      expires_at: presignedUrlProperties.expires_at,
      content_type: { type: 'string' },
      width: { type: 'integer', minimum: 1, description: 'pixels' },
      height: { type: 'integer', minimum: 1, description: 'pixels' },
      ...(variant === 'image' ? { size: { type: 'integer', minimum: 0, description: 'bytes' } as const } : {}),
    },
    required: ['image_id', 'variant', 'file_name', 'url', 'expires_in', 'expires_at'],
    additionalProperties: false,
  } as const;
  return {
    summary: variant === 'image' ? 'Download an original' : 'Download a thumbnail',
    description: `A presigned GET of the caller's ${variant === 'image' ? 'original' : 'thumbnail'}, valid 15 minutes; with \`redirect=true\`, a 302 to it. 404 for an unknown image (or another user's) or one not processed yet, 422 for an image that could not be processed, 403 when user_id names another user.`,
    responses: {
      200: { description: 'The presigned URL and what it points to', body },
      302: {
        description: 'With redirect=true: to the presigned URL (the body says the same, for clients that do not follow)',
        body,
        headers: { Location: { description: 'the presigned URL', required: true, schema: { type: 'string', format: 'uri' } } },
      },
      404: { description: 'Unknown image, or not ready yet (retry shortly after the upload)' },
      422: { description: 'The image could not be processed: the message says why' },
    },
  } as const satisfies RouteContract;
}
