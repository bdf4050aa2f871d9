/**
 * Seed 003's direct uploads: a user logs in, takes the temporary credentials of the answer, and talks to
 * the local S3 with the AWS SDK, which checks every signature and applies the identity pool's role
 * policy exactly as Terraform deploys it (terraform/modules/identity/authenticated-policy.json.tftpl).
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { api, clients, newUser, stack, unique, type TestUser } from '../support/stack';
import { s3Outcome } from '../support/s3-outcome';

const BUCKET = () => stack().resources['bucket:datasets']!;
const MiB = 1024 * 1024;

/** An S3 client with a user's temporary credentials, as seed 003's front end builds one. */
const s3As = (user: TestUser) => new S3Client({
  region: stack().env.AWS_REGION, endpoint: stack().s3, forcePathStyle: true, maxAttempts: 1,
  credentials: user.credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
});


const datasets = (path: string, user: TestUser, body: Record<string, unknown>) => api(path, { body: { id_token: user.idToken, ...body } });

let ada: TestUser;
let bob: TestUser;
beforeAll(async () => {
  [ada, bob] = await Promise.all([newUser('ada'), newUser('bob')]);
});

describe('temporary credentials from the identity pool', () => {
  it('each user has their own identity id, the same at every login, with credentials that expire', async () => {
    expect(ada.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(bob.identityId).not.toBe(ada.identityId);
    const again = await api('/auth/user_login', { body: { username: ada.username, password: ada.password } });
    expect(again.body.data.identity_id).toBe(ada.identityId);
    expect(again.body.data.access_key).not.toBe(ada.credentials.accessKeyId);
    expect(ada.credentials.expiration.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it('uploads 100 MiB into the project prefix with lib-storage (multipart, 4 parts at a time), then upload_check and upload_update register it', async () => {
    const name = `big-${unique()}`;
    const created = await datasets('/projects/create', ada, { project_name: name });
    expect(created.status).toBe(200);
    const { project_id: projectId, s3_prefix: prefix } = created.body.data;
    expect(prefix).toBe(`${BUCKET()}/${ada.identityId}/${projectId}`);

    // A PNG signature, then 100 MiB of bytes: an image by its magic number, as the registration sniffs it.
    const body = Buffer.alloc(100 * MiB, 7);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(body);
    const key = `${prefix.slice(BUCKET().length + 1)}/huge.png`;
    const upload = new Upload({ client: s3As(ada), params: { Bucket: BUCKET(), Key: key, Body: body, ContentType: 'image/png' }, queueSize: 4, partSize: 8 * MiB });
    const parts: number[] = [];
    upload.on('httpUploadProgress', (progress) => { if (progress.part) parts.push(progress.part); });
    await upload.done();
    expect(new Set(parts).size).toBe(13);

    const check = await datasets('/projects/upload_check', ada, { project_id: projectId, ls_filename: ['huge.png'] });
    expect(check.body.data).toEqual([]);
    const registered = await datasets('/projects/upload_update', ada, {
      project_id: projectId, project_name: name, ls_object_info: [{ s3_key: `${BUCKET()}/${key}`, filename: 'huge.png', hash: 'h', size: body.length }],
    });
    expect(registered.status).toBe(200);
    const after = await datasets('/projects/upload_check', ada, { project_id: projectId, ls_filename: ['huge.png'] });
    expect(after.body.data).toEqual([{ filename: { S: 'huge.png' }, size: { N: String(body.length) } }]);
    const listed = await s3As(ada).send(new ListObjectsV2Command({ Bucket: BUCKET(), Prefix: `${ada.identityId}/${projectId}/` }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([[key, body.length]]);
  });

  it('refuses the same credentials, with 403 AccessDenied, outside the prefix: another user\'s, another bucket, a listing of the bucket, a delete', async () => {
    const s3 = s3As(ada);
    const denied = { status: 403, code: 'AccessDenied' };
    await expect(s3Outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET(), Key: `${ada.identityId}/p/ok.png`, Body: 'x' })))).resolves.toEqual({ status: 200 });
    await expect(s3Outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET(), Key: `${bob.identityId}/p/x.png`, Body: 'x' })))).resolves.toEqual(denied);
    await expect(s3Outcome(s3.send(new GetObjectCommand({ Bucket: BUCKET(), Key: `${bob.identityId}/p/x.png` })))).resolves.toEqual(denied);
    await expect(s3Outcome(s3.send(new PutObjectCommand({ Bucket: stack().resources['bucket:originals']!, Key: `${ada.identityId}/p/x.png`, Body: 'x' })))).resolves.toEqual(denied);
    await expect(s3Outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET() })))).resolves.toEqual(denied);
    await expect(s3Outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET(), Prefix: `${bob.identityId}/` })))).resolves.toEqual(denied);
    await expect(s3Outcome(s3.send(new DeleteObjectCommand({ Bucket: BUCKET(), Key: `${ada.identityId}/p/ok.png` })))).resolves.toEqual(denied);
    // Still there: the refused delete deleted nothing.
    await expect(s3Outcome(s3.send(new GetObjectCommand({ Bucket: BUCKET(), Key: `${ada.identityId}/p/ok.png` })))).resolves.toEqual({ status: 200 });
  });
});

describe('the local S3 checks signatures as S3 does', () => {
  const put = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'PUT', body: 'png', headers });
    return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1] };
  };
  /** A PUT URL as the functions sign them (the service credentials; Content-Type signed). */
  const putUrl = (key: string, expiresIn = 900) => getSignedUrl(clients().s3, new PutObjectCommand({ Bucket: BUCKET(), Key: key, ContentType: 'image/png' }), {
    expiresIn, signableHeaders: new Set(['content-type']),
  });

  it('accepts a presigned PUT with its signed Content-Type, and refuses the four bad ones and an expired one with 403', async () => {
    const key = `presign-${unique()}/a.png`;
    const mismatch = { status: 403, code: 'SignatureDoesNotMatch' };
    await expect(put(await putUrl(key), { 'content-type': 'image/png' })).resolves.toEqual({ status: 200 });
    await expect(put(await putUrl(key))).resolves.toEqual(mismatch);
    await expect(put(await putUrl(key), { 'content-type': 'text/html' })).resolves.toEqual(mismatch);
    await expect(put((await putUrl(key)).replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`), { 'content-type': 'image/png' })).resolves.toEqual(mismatch);
    await expect(put((await putUrl(key)).replace('a.png', 'b.png'), { 'content-type': 'image/png' })).resolves.toEqual(mismatch);
    const expired = await getSignedUrl(clients().s3, new PutObjectCommand({ Bucket: BUCKET(), Key: key, ContentType: 'image/png' }), {
      expiresIn: 1, signableHeaders: new Set(['content-type']), signingDate: new Date(Date.now() - 10_000),
    });
    await expect(put(expired, { 'content-type': 'image/png' })).resolves.toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('refuses an unsigned request and credentials it does not know', async () => {
    await expect(put(`${stack().s3}/${BUCKET()}/anonymous.png`)).resolves.toEqual({ status: 403, code: 'AccessDenied' });
    const stranger = new S3Client({ region: 'us-east-1', endpoint: stack().s3, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' } });
    await expect(s3Outcome(stranger.send(new PutObjectCommand({ Bucket: BUCKET(), Key: 'x', Body: 'x' })))).resolves.toEqual({ status: 403, code: 'InvalidAccessKeyId' });
  });
});
