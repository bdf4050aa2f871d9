import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { checkPostPolicy, parsePostForm } from '../../../scripts/local/emulators/s3-post-policy';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', forcePathStyle: true, credentials });
const secretOf = (id: string) => (id === 'S3RVER' ? 'S3RVER' : undefined);

/** A presigned POST as the services issue it: key and Content-Type fixed, 1..1000 bytes. */
const presigned = () => createPresignedPost(s3, {
  Bucket: 'darkroom-originals', Key: 'sub-1/images/id/cat.jpg',
  Conditions: [['content-length-range', 1, 1000], ['eq', '$Content-Type', 'image/jpeg']],
  Fields: { 'Content-Type': 'image/jpeg' }, Expires: 900,
});

/** The multipart body a browser or curl sends, parsed back as the front parses it. */
async function post(fields: Record<string, string>, file: Buffer) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file)]), 'cat.jpg');
  const request = new Request('http://s3/', { method: 'POST', body: form });
  return parsePostForm(Buffer.from(await request.arrayBuffer()), request.headers.get('content-type')!);
}

describe('S3 POST policy checks of the local S3', () => {
  it('accepts an upload that keeps to its policy, and reads the file size', async () => {
    const { fields } = await presigned();
    const form = await post(fields, Buffer.alloc(500));
    expect(form.fileSize).toBe(500);
    expect(checkPostPolicy(form, 'darkroom-originals', secretOf)).toBeUndefined();
  });

  it('refuses a file over content-length-range with EntityTooLarge, and an empty one with EntityTooSmall', async () => {
    const { fields } = await presigned();
    expect(checkPostPolicy(await post(fields, Buffer.alloc(1001)), 'darkroom-originals', secretOf)).toMatchObject({ status: 400, code: 'EntityTooLarge' });
    expect(checkPostPolicy(await post(fields, Buffer.alloc(0)), 'darkroom-originals', secretOf)).toMatchObject({ status: 400, code: 'EntityTooSmall' });
  });

  it.each([
    ['another Content-Type', { 'Content-Type': 'text/html' }, /\["eq", "\$Content-Type", "image\/jpeg"\]/],
    ['another key', { key: 'sub-2/images/id/cat.jpg' }, /"\$key"|"key"/],
    ['an extra field', { 'x-amz-meta-owner': 'me' }, /Extra input fields: x-amz-meta-owner/],
  ])('refuses %s with AccessDenied', async (_, change, message) => {
    const { fields } = await presigned();
    const refusal = checkPostPolicy(await post({ ...fields, ...change }, Buffer.alloc(10)), 'darkroom-originals', secretOf);
    expect(refusal).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(refusal!.message).toMatch(message);
  });

  it('refuses another bucket, an expired policy, a tampered policy and an unknown key id', async () => {
    const { fields } = await presigned();
    const form = await post(fields, Buffer.alloc(10));
    expect(checkPostPolicy(form, 'darkroom-thumbnails', secretOf)?.code).toBe('AccessDenied');
    expect(checkPostPolicy(form, 'darkroom-originals', secretOf, new Date(Date.now() + 3600_000))?.message).toMatch(/expired/);
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString());
    policy.conditions[0] = ['content-length-range', 1, 10 ** 12];
    const tampered = await post({ ...fields, Policy: Buffer.from(JSON.stringify(policy)).toString('base64') }, Buffer.alloc(10));
    expect(checkPostPolicy(tampered, 'darkroom-originals', secretOf)?.code).toBe('SignatureDoesNotMatch');
    expect(checkPostPolicy(form, 'darkroom-originals', () => undefined)?.code).toBe('InvalidAccessKeyId');
    expect(checkPostPolicy({ fields: { key: 'x' }, fileSize: 1 }, 'darkroom-originals', secretOf)?.code).toBe('AccessDenied');
  });
});
