import { GetCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { fixturePhoto, lyingZip, manyEntries, photoZip, rawZip, stored, zipBomb } from '../support/archives';
import { api, clients, newUser, presignedPost, stack, waitFor, type TestUser } from '../support/stack';

const NAME = /^\d{8}T\d{9}Z-[0-9a-f]{4}_/;
let ada: TestUser;
let bob: TestUser;
let eve: TestUser;
beforeAll(async () => { [ada, bob, eve] = await Promise.all([newUser('ada'), newUser('bob'), newUser('eve')]); });

const upload = (user: TestUser, data: Buffer, contentType = 'image/png', query = '') =>
  api(`/photos/upload_single_photo${query}`, { token: user.idToken, body: data, headers: { 'content-type': contentType } });
const list = async (user: TestUser, body: Record<string, unknown> = {}) => api('/photos/list', { token: user.idToken, body });
const allPhotos = async (user: TestUser) => (await list(user, { limit: 200 })).body.photos as Array<Record<string, any>>;
const unzipBody = (user: TestUser, archive: Buffer) =>
  api('/photos/unzip', { token: user.idToken, body: archive, headers: { 'content-type': 'application/zip' } });
/** Uploads an archive through the presigned flow and asks for it to be unpacked. */
async function unzipViaS3(user: TestUser, archive: Buffer) {
  const presign = await api('/photos/unzip', { token: user.idToken, body: { upload: { size: archive.length } } });
  expect(presign.status).toBe(201);
  expect(await presignedPost(presign.body.upload, archive, 'photos.zip')).toBe(204);
  return api('/photos/unzip', { token: user.idToken, body: { archive_key: presign.body.archive_key } });
}
const ready = (user: TestUser, filename: string) => waitFor(async () => {
  const response = await api('/photos/download', { token: user.idToken, body: { filename } });
  if (response.status === 422) return { status: 'failed', message: response.body.message as string, body: response.body };
  return response.body.status === 'ready' ? response.body : undefined;
}, { timeout: 30_000, what: `thumbnail of ${filename}` });
/** Text libvips, yauzl, zlib, busboy/Middy and ajv put in their errors: never in a response. */
const LIBRARY_TEXT = /vips|Input buffer|premature end|central directory record signature|invalid (stored )?block|invalid code lengths|incorrect header check|malformed multipart|Unexpected end|must match|must NOT|\^\[/i;

describe('photos: single uploads', () => {
  it('stores a raw body under a timestamped name that never overwrites, makes its thumbnail, and serves it back', async () => {
    const png = fixturePhoto('coffee.png');
    const [first, second] = [await upload(ada, png, 'image/png', '?filename=coffee.png'), await upload(ada, png, 'image/png', '?filename=coffee.png')];
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ size: png.length, content_type: 'image/png', width: 600, height: 400, status: 'processing' });
    expect(first.body.filename).toMatch(new RegExp(`${NAME.source}coffee\\.png$`));
    expect(second.body.filename).not.toBe(first.body.filename);
    const photo = await ready(ada, first.body.filename);
    expect(photo.status).toBe('ready');
    const original = Buffer.from(await (await fetch(photo.url)).arrayBuffer());
    expect(original.equals(png)).toBe(true);
    const thumb = await sharp(Buffer.from(await (await fetch(photo.thumbnail_url)).arrayBuffer())).metadata();
    expect(Math.max(thumb.width!, thumb.height!)).toBe(256);
  }, 60_000);

  it('takes multipart/form-data (field file) as browsers send it', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(fixturePhoto('Storm.jpg'))], { type: 'image/jpeg' }), 'Storm.jpg');
    const response = await api<Record<string, unknown>>('/photos/upload_single_photo', { body: form, token: ada.idToken });
    const body = response.body;
    expect(response.status).toBe(201);
    expect(body).toMatchObject({ content_type: 'image/jpeg' });
    expect(body.filename).toMatch(/_Storm\.jpg$/);
  });

  it('issues a presigned POST whose policy caps the size and fixes the type, and registers what arrives', async () => {
    const jpeg = fixturePhoto('Kleiber_by_Lukas_Baubkus.jpg');
    const response = await api('/photos/upload_single_photo', { token: ada.idToken, body: { filename: 'kleiber.jpg', content_type: 'image/jpeg', size: jpeg.length } });
    expect(response.status).toBe(201);
    const policy = JSON.parse(Buffer.from(response.body.upload.fields.Policy, 'base64').toString());
    expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', 1, jpeg.length], ['eq', '$Content-Type', 'image/jpeg'], { key: `${ada.sub}/photos/${response.body.filename}` }]));
    // The local S3 applies the policy as S3 does: one byte more than declared, or another type, is refused.
    expect(await presignedPost(response.body.upload, Buffer.concat([jpeg, Buffer.alloc(1)]), 'kleiber.jpg')).toBe(400);
    const retyped = { ...response.body.upload, fields: { ...response.body.upload.fields, 'Content-Type': 'image/png' } };
    expect(await presignedPost(retyped, jpeg, 'kleiber.jpg')).toBe(403);
    expect(await presignedPost(response.body.upload, jpeg, 'kleiber.jpg')).toBe(204);
    expect(await ready(ada, response.body.filename)).toMatchObject({ status: 'ready', width: 6028, height: 3391, size: jpeg.length });
  }, 60_000);

  it('refuses bad input with a clear 4xx and stores nothing', async () => {
    const before = (await allPhotos(bob)).length;
    const big = await upload(bob, Buffer.alloc(4_600_000, 1), 'image/jpeg');
    expect(big.status).toBe(413);
    expect(big.body.message).toMatch(/presigned/);
    expect((await upload(bob, Buffer.from('just some text, not a picture'), 'image/jpeg', '?filename=x.jpg')).status).toBe(415);
    expect((await api('/photos/upload_single_photo', { token: bob.idToken, body: Buffer.alloc(0), headers: { 'content-type': 'image/png' } })).status).toBe(400);
    for (const name of ['../../etc/passwd.png', 'a\\b.png', 'bad\u0001name.png', `${'x'.repeat(1000)}.png`]) {
      const response = await upload(bob, fixturePhoto('coffee.png'), 'image/png', `?filename=${encodeURIComponent(name)}`);
      expect([name.slice(0, 20), response.status]).toEqual([name.slice(0, 20), 400]);
    }
    expect((await api('/photos/upload_single_photo', { token: bob.idToken, body: { filename: 'a.jpg', content_type: 'image/jpeg', size: 60 * 1024 * 1024 } })).status).toBe(400);
    expect((await api('/photos/upload_single_photo', { token: bob.idToken, body: { filename: 'a.txt', content_type: 'text/plain', size: 10 } })).status).toBe(400);
    expect((await api('/photos/upload_single_photo', { body: fixturePhoto('coffee.png'), headers: { 'content-type': 'image/png' } })).status).toBe(401);
    expect((await allPhotos(bob)).length).toBe(before);
  });
});

describe('photos: unzip', () => {
  it('unpacks a small archive in the request; entries that are not images are skipped with a reason', async () => {
    const archive = await photoZip([
      { name: 'trip/coffee.png', data: fixturePhoto('coffee.png') },
      { name: 'trip/day 2/chelsea.png', data: fixturePhoto('chelsea.png') },
      { name: 'Storm.jpg', data: fixturePhoto('Storm.jpg'), compress: false },
      { name: 'notes.jpg', data: Buffer.from('not a photo despite the name') },
      { name: '__MACOSX/._coffee.png', data: Buffer.from('x') },
    ]);
    const response = await unzipBody(ada, archive);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ mode: 'sync', status: 'done', landed_count: 3, skipped_count: 2 });
    expect(response.body.landed.map((l: { entry: string }) => l.entry)).toEqual(['trip/coffee.png', 'trip/day 2/chelsea.png', 'Storm.jpg']);
    expect(response.body.skipped).toEqual(expect.arrayContaining([
      { entry: 'notes.jpg', reason: expect.stringMatching(/not a decodable image/) },
      { entry: '__MACOSX/._coffee.png', reason: 'hidden or system file' },
    ]));
    const names = (await allPhotos(ada)).map((p) => p.filename);
    for (const landed of response.body.landed) expect(names).toContain(landed.filename);
    expect(await ready(ada, response.body.landed[1].filename)).toMatchObject({ status: 'ready', width: 451, height: 300 });
  }, 60_000);

  it('lets the owner look up a sync unzip by the job_id it returned, as an async one', async () => {
    const archive = await photoZip([{ name: 'coffee.png', data: fixturePhoto('coffee.png') }, { name: 'notes.jpg', data: Buffer.from('not a photo') }]);
    const response = await unzipBody(ada, archive);
    expect(response).toMatchObject({ status: 200, body: { mode: 'sync', status: 'done' } });
    expect(response.body.skipped).toEqual([{ entry: 'notes.jpg', reason: expect.not.stringMatching(LIBRARY_TEXT) }]);
    const job = await api('/photos/unzip', { token: ada.idToken, body: { job_id: response.body.job_id } });
    expect(job).toMatchObject({ status: 200, body: { job_id: response.body.job_id, mode: 'sync', status: 'done', total: 2, done: 2, landed_count: 1, skipped_count: 1 } });
    expect(job.body.landed).toEqual(response.body.landed);
    expect(job.body.skipped).toEqual(response.body.skipped);
    expect((await api('/photos/unzip', { token: bob.idToken, body: { job_id: response.body.job_id } })).status).toBe(404);
  }, 60_000);

  it('runs a large archive asynchronously through the unzip queue and reports progress and the result', async () => {
    const pngs = ['coffee.png', 'chelsea.png', 'astronaut.png', 'motorcycle_left.png'];
    const archive = await photoZip(Array.from({ length: 30 }, (_, i) => ({ name: `roll/${i}_${pngs[i % 4]}`, data: fixturePhoto(pngs[i % 4]!) })));
    const started = await unzipViaS3(eve, archive);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ mode: 'async', status: 'queued', total: 30, status_request: { body: { job_id: started.body.job_id } } });
    const done = await waitFor(async () => {
      const status = await api('/photos/unzip', { token: eve.idToken, body: { job_id: started.body.job_id } });
      expect(status.status).toBe(200);
      expect(status.body.done).toBeLessThanOrEqual(30);
      return status.body.status === 'done' || status.body.status === 'failed' ? status.body : undefined;
    }, { timeout: 60_000, what: 'the unzip job' });
    expect(done).toMatchObject({ status: 'done', total: 30, done: 30, landed_count: 30, skipped_count: 0 });
    expect(done.landed).toHaveLength(30);
    const listed = new Set((await allPhotos(eve)).map((p) => p.filename));
    for (const landed of done.landed) expect(listed.has(landed.filename)).toBe(true);
    expect((await api('/photos/unzip', { token: bob.idToken, body: { job_id: started.body.job_id } })).status).toBe(404);
  }, 90_000);

  it.each([
    ['zip-slip ../', () => rawZip([stored('ok.png', fixturePhoto('coffee.png')), stored('../x.jpg', Buffer.from('x'))]), 422, /escapes/],
    ['absolute path', () => rawZip([stored('/etc/x.jpg', Buffer.from('x'))]), 422, /absolute/],
    ['backslashes', () => rawZip([stored('a\\..\\..\\x.jpg', Buffer.from('x'))]), 422, /backslash/],
    ['zip bomb (1 GiB of zeros in 1 MB)', () => zipBomb(), 413, /limit per entry/],
    ['a header that lies about its size', () => lyingZip([stored('coffee.png', fixturePhoto('coffee.png')), stored('chelsea.png', fixturePhoto('chelsea.png'))]), 422, /declares/],
    ['a corrupt archive', () => Buffer.from('PK\u0003\u0004 this is no archive at all'), 400, /Not a valid ZIP/],
    ['damaged deflate data', () => rawZip([{ name: 'x.jpg', data: Buffer.from('definitely not deflate data ....'), method: 8, uncompressedSize: 100 }]), 422, /is damaged: its compressed data does not inflate/],
  ])('refuses %s as a whole, leaving nothing behind, in our words', async (_, build, status, message) => {
    const before = (await allPhotos(bob)).length;
    const response = await unzipBody(bob, build());
    expect([response.status, response.body.message]).toEqual([status, expect.stringMatching(message)]);
    expect(response.body.message).not.toMatch(LIBRARY_TEXT);
    expect((await allPhotos(bob)).length).toBe(before);
  }, 30_000);

  it('refuses 100,000 tiny entries from the central directory, through the presigned flow', async () => {
    const response = await unzipViaS3(bob, manyEntries(100_000));
    expect(response.status).toBe(413);
    expect(response.body.message).toMatch(/100000 entries/);
  }, 30_000);

  it('refuses another user\'s archive key and oversize bodies', async () => {
    expect((await api('/photos/unzip', { token: bob.idToken, body: { archive_key: `${ada.sub}/archives/00000000-0000-0000-0000-000000000000.zip` } })).status).toBe(403);
    expect((await api('/photos/unzip', { token: bob.idToken, body: { archive_key: `${bob.sub}/archives/00000000-0000-0000-0000-000000000000.zip` } })).status).toBe(404);
    const big = await unzipBody(bob, Buffer.alloc(4_600_000));
    expect([big.status, big.body.message]).toEqual([413, expect.stringMatching(/presigned/)]);
  });
});

describe('photos: what failed decoding is never handed out', () => {
  it('answers /photos/download of a photo that failed decoding with 422 and its reason, as /images does, with no URL', async () => {
    // Bytes that are no image, sent through the presigned POST (no probe before the worker decodes it).
    const junk = Buffer.from('these bytes claim to be a JPEG but are plain text, '.repeat(40));
    const presign = await api('/photos/upload_single_photo', { token: eve.idToken, body: { filename: 'junk.jpg', content_type: 'image/jpeg', size: junk.length } });
    expect(presign.status).toBe(201);
    expect(await presignedPost(presign.body.upload, junk, 'junk.jpg')).toBe(204);
    const failed = await ready(eve, presign.body.filename) as { status: string; message: string; body: Record<string, unknown> };
    expect(failed.status).toBe('failed');
    expect(failed.message).toBe(`Photo ${presign.body.filename} could not be processed: not a decodable image: not an image format Darkroom accepts, or its header is damaged`);
    expect(failed.body).toEqual({ message: failed.message });
    // A JPEG cut in half passes the header probe on upload, then fails the full decode: 422 too.
    const wood = fixturePhoto('Wood.jpg');
    const half = await upload(eve, wood.subarray(0, wood.length / 2), 'image/jpeg', '?filename=half.jpg');
    expect(half).toMatchObject({ status: 201, body: { status: 'processing' } });
    const broken = await ready(eve, half.body.filename) as { status: string; message: string };
    expect(broken).toMatchObject({ status: 'failed', message: expect.stringMatching(/could not be processed: image could not be decoded: its data is damaged or truncated$/) });
    expect(broken.message).not.toMatch(LIBRARY_TEXT);
    const listed = (await allPhotos(eve)).find((p) => p.filename === half.body.filename)!;
    expect(listed).toMatchObject({ status: 'failed', thumbnail_url: null, failure_reason: 'image could not be decoded: its data is damaged or truncated' });
  }, 60_000);

  it('answers a malformed multipart form and a schema violation in our words', async () => {
    const cut = await api('/photos/upload_single_photo', {
      token: eve.idToken, body: '--b\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\nunterminated',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect(cut).toMatchObject({ status: 415, body: { message: 'The body is not valid multipart/form-data: send the file in a field named `file`' } });
    const pattern = await api('/photos/download', { token: eve.idToken, body: { filename: 'a\u0001b.jpg' } });
    expect(pattern.status).toBe(400);
    expect(pattern.body.message).not.toMatch(LIBRARY_TEXT);
    // The stack answers the next request: the cut-short form did not crash it.
    expect((await list(eve)).status).toBe(200);
  });
});

describe('photos: download, list, delete', () => {
  it('lists newest first with pagination whose token stays with its owner', async () => {
    const user = await newUser('lister');
    for (const name of ['a.png', 'b.png', 'c.png']) expect((await upload(user, fixturePhoto('coffee.png'), 'image/png', `?filename=${name}`)).status).toBe(201);
    const first = await list(user, { limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body.photos.map((p: { filename: string }) => p.filename.split('_').pop())).toEqual(['c.png', 'b.png']);
    expect(first.body.photos[0]).toMatchObject({ size: expect.any(Number), content_type: 'image/png', width: 600, height: 400, uploaded_at: expect.any(String) });
    const second = await list(user, { limit: 2, next_token: first.body.next_token });
    expect(second.body.photos.map((p: { filename: string }) => p.filename.split('_').pop())).toEqual(['a.png']);
    expect((await list(bob, { next_token: first.body.next_token })).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ pk: user.sub, sk: 'JOB#x' })).toString('base64url');
    expect((await list(user, { next_token: forged })).status).toBe(400);
    await waitFor(async () => (await allPhotos(user)).every((p) => p.thumbnail_url) || undefined, { what: 'thumbnails in the list' });
  }, 60_000);

  it('downloads only the caller\'s photos, and deletes idempotently with thumbnails and records', async () => {
    const created = await upload(ada, fixturePhoto('chelsea.png'), 'image/png', '?filename=chelsea.png');
    const { filename } = created.body;
    await ready(ada, filename);
    expect((await api('/photos/download', { token: bob.idToken, body: { filename } })).status).toBe(404);
    expect((await api('/photos/download', { token: ada.idToken, body: { filename: '../x' } })).status).toBe(400);
    expect((await api('/photos/delete', { token: bob.idToken, body: { file: filename } })).body).toEqual({ deleted: [], not_found: [filename] });
    expect((await api('/photos/delete', { token: ada.idToken, body: { file: filename } })).body).toEqual({ deleted: [filename], not_found: [] });
    expect((await api('/photos/delete', { token: ada.idToken, body: { files: [filename] } })).body).toEqual({ deleted: [], not_found: [filename] });
    expect((await api('/photos/download', { token: ada.idToken, body: { filename } })).status).toBe(404);
    const { Item } = await clients().dynamo.send(new GetCommand({ TableName: stack().resources['table:photos'], Key: { pk: ada.sub, sk: `PHOTO#${filename}` } }));
    expect(Item).toBeUndefined();
    const head = await fetch(`${stack().s3}/${stack().resources['bucket:thumbnails']}/${ada.sub}/photos/${filename}`);
    expect(head.status).not.toBe(200);
  }, 60_000);
});
