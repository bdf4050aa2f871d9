import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * A presigned S3 URL and how long it works: `expires_in` seconds from when it was made, that is until
 * `expires_at` (ISO 8601, UTC).
 */
export interface PresignedUrl {
  url: string;
  expires_in: number;
  expires_at: string;
}

/** JSON Schema of a {@link PresignedUrl}'s fields, to spread into a route contract's `properties`. */
export const presignedUrlProperties = {
  url: { type: 'string', format: 'uri', description: 'presigned S3 URL' },
  expires_in: { type: 'integer', minimum: 1, description: 'seconds the URL is valid from when it was issued' },
  expires_at: { type: 'string', format: 'date-time', description: 'when the URL stops working (ISO 8601, UTC)' },
} as const;

/**
 * Longest lifetime of a SigV4 presigned URL: 7 days
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html, X-Amz-Expires).
 */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** Options of {@link presignDownload}. */
export interface PresignDownloadOptions {
  bucket: string;
  key: string;
  /** Lifetime, seconds: 1 to {@link MAX_PRESIGN_SECONDS}. */
  expiresIn: number;
  /** Makes S3 answer `Content-Disposition: attachment; filename="<name>"` (a browser saves instead of showing). */
  attachmentName?: string;
}

const lifetime = (expiresIn: number): number => {
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`a presigned URL lives 1 to ${MAX_PRESIGN_SECONDS} whole seconds, not ${expiresIn}`);
  }
  return expiresIn;
};

const expiry = (issued: number, expiresIn: number) => ({ expires_in: expiresIn, expires_at: new Date(issued + expiresIn * 1000).toISOString() });

/**
 * A presigned GET of one object (SigV4 query-string authentication).
 * @returns `{url, expires_in, expires_at}`
 * @throws RangeError for a lifetime outside 1..{@link MAX_PRESIGN_SECONDS} seconds
 */
export async function presignDownload(s3: S3Client, options: PresignDownloadOptions): Promise<PresignedUrl> {
  const expiresIn = lifetime(options.expiresIn);
  const issued = Date.now();
  const name = options.attachmentName?.replace(/["\\\r\n]/g, '_');
  const url = await getSignedUrl(s3, new GetObjectCommand({
    Bucket: options.bucket, Key: options.key, ResponseContentDisposition: name === undefined ? undefined : `attachment; filename="${name}"`,
  }), { expiresIn });
  return { url, ...expiry(issued, expiresIn) };
}

/** Options of {@link presignPut}. */
export interface PresignPutOptions {
  bucket: string;
  key: string;
  contentType: string;
  /** The exact size of the body, bytes: signed, so S3 refuses a body of any other length. Without it, any size passes. */
  contentLength?: number;
  /** Lifetime, seconds: 1 to {@link MAX_PRESIGN_SECONDS}. */
  expiresIn: number;
}

/**
 * A presigned PUT of one object whose signature covers `Content-Type` and, when given, `Content-Length`
 * (SignedHeaders=content-length;content-type;host): the upload must send exactly that type and that many
 * bytes, else S3 answers 403 SignatureDoesNotMatch. A signed length is the only size limit a presigned
 * PUT can carry (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
 * @returns `{url, expires_in, expires_at}`
 * @throws RangeError for a lifetime outside 1..{@link MAX_PRESIGN_SECONDS} seconds or a length that is not a positive integer
 */
export async function presignPut(s3: S3Client, options: PresignPutOptions): Promise<PresignedUrl> {
  const expiresIn = lifetime(options.expiresIn);
  const length = options.contentLength;
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 1)) {
    throw new RangeError(`contentLength must be a positive whole number of bytes, not ${options.contentLength}`);
  }
  const issued = Date.now();
  const url = await getSignedUrl(s3, new PutObjectCommand({
    Bucket: options.bucket, Key: options.key, ContentType: options.contentType, ContentLength: length,
  }), { expiresIn, signableHeaders: new Set(length === undefined ? ['content-type'] : ['content-type', 'content-length']) });
  return { url, ...expiry(issued, expiresIn) };
}
