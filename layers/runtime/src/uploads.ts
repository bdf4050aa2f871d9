import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';

/** A presigned S3 POST: send `fields`, then the file as multipart/form-data field `file`, to `url`. */
export interface PresignedUpload {
  method: 'POST';
  url: string;
  fields: Record<string, string>;
  content_type: string;
  /** Largest body S3 accepts under the policy, bytes. */
  max_bytes: number;
  /** Seconds the policy is valid, and when it expires (ISO 8601). */
  expires_in: number;
  expires_at: string;
}

/** JSON Schema of a {@link PresignedUpload}, for the contracts of the routes that answer one. */
export const presignedUploadSchema = {
  type: 'object',
  description: 'A presigned S3 POST: send every field of `fields`, then the file as the multipart/form-data field `file`, to `url`',
  properties: {
    method: { const: 'POST' },
    url: { type: 'string', format: 'uri' },
    fields: { type: 'object', additionalProperties: { type: 'string' } },
    content_type: { type: 'string' },
    max_bytes: { type: 'integer', minimum: 1, description: 'largest body S3 accepts under the policy, bytes' },
    expires_in: { type: 'integer', minimum: 1, description: 'seconds the policy is valid' },
    expires_at: { type: 'string', format: 'date-time' },
  },
  required: ['method', 'url', 'fields', 'content_type', 'max_bytes', 'expires_in', 'expires_at'],
  additionalProperties: false,
} as const;

/** Options of {@link presignUpload}. */
export interface PresignUploadOptions {
  bucket: string;
  key: string;
  contentType: string;
  /** `content-length-range` upper bound, bytes. */
  maxBytes: number;
  /** Policy lifetime, seconds. */
  expiresIn: number;
}

/**
 * A presigned POST whose policy fixes the object key and Content-Type and caps the size
 * (`content-length-range` 1..maxBytes): the browser-upload form of S3, which, unlike a presigned PUT,
 * lets S3 itself refuse an oversized or mistyped upload.
 * See https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
export async function presignUpload(s3: S3Client, options: PresignUploadOptions): Promise<PresignedUpload> {
  const now = Date.now();
  const { url, fields } = await createPresignedPost(s3, {
    Bucket: options.bucket,
    Key: options.key,
    Conditions: [['content-length-range', 1, options.maxBytes], ['eq', '$Content-Type', options.contentType]],
    Fields: { 'Content-Type': options.contentType },
    Expires: options.expiresIn,
  });
  return {
    method: 'POST', url, fields, content_type: options.contentType, max_bytes: options.maxBytes,
    expires_in: options.expiresIn, expires_at: new Date(now + options.expiresIn * 1000).toISOString(),
  };
}
