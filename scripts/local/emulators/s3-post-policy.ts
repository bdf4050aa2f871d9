/**
 * S3's browser-based POST upload rules, which s3rver does not apply: the policy's SigV4 signature, its
 * expiration, and every condition (exact fields, `eq`, `starts-with`, `content-length-range`), plus
 * S3's rule that every form field must be covered by a condition. The local stack applies them in
 * front of s3rver (s3-front.ts), so a presigned POST is refused locally exactly when S3 would refuse it.
 *
 * Sources: "Creating a POST policy" and "Calculating a signature" in the Amazon S3 API reference
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import busboy from '@fastify/busboy';

/** A POST upload's form: its text fields (names as sent) and the size of its `file` part, bytes. */
export interface PostForm {
  fields: Record<string, string>;
  fileSize?: number;
}

/** Why S3 refuses a POST upload: the status and the `Code` of its XML error. */
export interface PolicyRefusal { status: number; code: string; message: string }

/**
 * Reads a multipart/form-data POST: text fields up to the `file` part, and the file's size (its bytes are
 * counted, not kept: the caller forwards the original body).
 * @throws Error for a body busboy cannot parse
 */
export function parsePostForm(body: Buffer, contentType: string): Promise<PostForm> {
  return new Promise((resolve, reject) => {
    const form: PostForm = { fields: {} };
    const parser = busboy({ headers: { 'content-type': contentType }, limits: { fields: 100, fieldSize: 64 * 1024 } });
    parser.on('field', (name, value) => { if (form.fileSize === undefined) form.fields[name] = value; });
    parser.on('file', (name, stream) => {
      if (name !== 'file' || form.fileSize !== undefined) { stream.resume(); return; }
      form.fileSize = 0;
      stream.on('data', (chunk: Buffer) => { form.fileSize! += chunk.length; });
    });
    parser.on('finish', () => resolve(form));
    parser.on('error', reject);
    Readable.from([body]).pipe(parser);
  });
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** SigV4 signing key for S3: HMAC chain over date, region, service and `aws4_request`. */
export function signingKey(secretAccessKey: string, date: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), 's3'), 'aws4_request');
}

type Condition = Record<string, string> | [string, ...unknown[]];
const deny = (message: string): PolicyRefusal => ({ status: 403, code: 'AccessDenied', message: `Invalid according to Policy: ${message}` });
/** Fields a policy need not cover (S3: the file, the policy and signature themselves, and x-ignore-*). */
const exempt = (name: string) => ['file', 'policy', 'x-amz-signature'].includes(name) || name.startsWith('x-ignore-');

/**
 * Checks a POST upload against its policy.
 * @param form - the parsed form
 * @param bucket - the bucket in the request path
 * @param secretOf - the secret key of an access key id, or undefined for an unknown one
 * @param now - the time to check expiration against
 * @returns undefined when S3 would accept the upload, else why it would not
 */
export function checkPostPolicy(form: PostForm, bucket: string, secretOf: (accessKeyId: string) => string | undefined, now = new Date()): PolicyRefusal | undefined {
  const fields = Object.fromEntries(Object.entries(form.fields).map(([name, value]) => [name.toLowerCase(), value]));
  const policyText = fields.policy;
  if (!policyText) return { status: 403, code: 'AccessDenied', message: 'Access Denied: a POST upload needs a signed policy' };
  const [accessKeyId, date, region] = (fields['x-amz-credential'] ?? '').split('/');
  const secret = accessKeyId ? secretOf(accessKeyId) : undefined;
  if (!secret || !date || !region) return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  const expected = hmac(signingKey(secret, date, region), policyText);
  const given = Buffer.from(fields['x-amz-signature'] ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  }
  let policy: { expiration?: string; conditions?: Condition[] };
  try {
    policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8'));
  } catch {
    return { status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  if (!policy.expiration || Date.parse(policy.expiration) < now.getTime()) return deny('Policy expired.');
  const values: Record<string, string> = { ...fields, bucket };
  const covered = new Set<string>(['bucket']);
  for (const condition of policy.conditions ?? []) {
    if (!Array.isArray(condition)) {
      for (const [name, value] of Object.entries(condition)) {
        covered.add(name.toLowerCase());
        if (values[name.toLowerCase()] !== value) return deny(`Policy Condition failed: ["eq", "$${name}", "${value}"]`);
      }
      continue;
    }
    const [operator, target, value] = condition;
    if (operator === 'content-length-range') {
      const [min, max] = [Number(target), Number(value)];
      const size = form.fileSize ?? 0;
      if (size > max) return { status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size' };
      if (size < min) return { status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size' };
      continue;
    }
    const name = String(target).replace(/^\$/, '').toLowerCase();
    covered.add(name);
    const actual = values[name] ?? '';
    if (operator === 'eq' && actual !== value) return deny(`Policy Condition failed: ["eq", "${target}", "${String(value)}"]`);
    if (operator === 'starts-with' && !actual.startsWith(String(value))) return deny(`Policy Condition failed: ["starts-with", "${target}", "${String(value)}"]`);
  }
  const extra = Object.keys(fields).filter((name) => !exempt(name) && !covered.has(name));
  if (extra.length) return deny(`Extra input fields: ${extra.join(', ')}`);
  return undefined;
}

/** S3's XML error body. */
export const errorXml = (refusal: PolicyRefusal): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error>`;
