import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { s3Notification } from '../support/events';
import { api, clients, newUser, presignedPost, stack, waitFor, type TestUser } from '../support/stack';

const PHOTOS = join(__dirname, '../fixtures/photos');
const photo = (name: string) => readFileSync(join(PHOTOS, name));

let ada: TestUser;
let bob: TestUser;
beforeAll(async () => { [ada, bob] = await Promise.all([newUser('ada'), newUser('bob')]); });

/** Requests an upload, posts the file, and waits for the thumbnail to be ready (or the image failed). */
async function uploadImage(user: TestUser, fileName: string, data: Buffer) {
  const created = await api('/images/upload', { token: user.idToken, body: { file_name: fileName } });
  expect(created.status).toBe(201);
  expect(await presignedPost(created.body.upload, data, fileName)).toBe(204);
  const imageId: string = created.body.image_id;
  const settled = await waitFor(async () => {
    const response = await api(`/images/download/thumbnail?image_id=${imageId}`, { token: user.idToken });
    return response.status === 404 ? undefined : response;
  }, { timeout: 30_000, what: `thumbnail of ${fileName}` });
  return { imageId, created: created.body, thumbnail: settled };
}

describe('images service through the local stack', () => {
  it.each([
    ['Kleiber_by_Lukas_Baubkus.jpg', 6028, 3391],
    ['Storm.jpg', undefined, undefined],
    ['coffee.png', undefined, undefined],
    ['plasma-Path-2560x1600.jpg', 2560, 1600],
  ])('makes a thumbnail of %s within 256 px and serves the original byte-identical', async (name, width, height) => {
    const original = photo(name);
    const { imageId, thumbnail } = await uploadImage(ada, name, original);
    expect(thumbnail.status).toBe(200);
    const thumb = Buffer.from(await (await fetch(thumbnail.body.url)).arrayBuffer());
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBe(256);
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([thumbnail.body.width, thumbnail.body.height]);

    const download = await api(`/images/download/image?image_id=${imageId}`, { token: ada.idToken });
    expect(download.status).toBe(200);
    if (width) expect([download.body.width, download.body.height]).toEqual([width, height]);
    const fetched = Buffer.from(await (await fetch(download.body.url)).arrayBuffer());
    expect(fetched.equals(original)).toBe(true);
  }, 60_000);

  it('has S3 refuse an upload that breaks the policy (another key or type), leaving the image pending', async () => {
    const created = await api('/images/upload', { token: ada.idToken, body: { file_name: 'policy.jpg' } });
    const { upload } = created.body;
    const change = (fields: Record<string, string>) => ({ ...upload, fields: { ...upload.fields, ...fields } });
    expect(await presignedPost(change({ 'Content-Type': 'text/html' }), photo('Wood.jpg'))).toBe(403);
    expect(await presignedPost(change({ key: `${bob.sub}/images/${created.body.image_id}/policy.jpg` }), photo('Wood.jpg'))).toBe(403);
    expect(await presignedPost(upload, Buffer.alloc(0))).toBe(400);
    const response = await api(`/images/download/image?image_id=${created.body.image_id}`, { token: ada.idToken });
    expect(response.status).toBe(404);
    expect(response.body.message).toMatch(/not ready/);
  }, 60_000);

  it('redirects to the presigned URL with ?redirect=true', async () => {
    const { imageId } = await uploadImage(ada, 'Wood.jpg', photo('Wood.jpg'));
    const response = await api(`/images/download/thumbnail?image_id=${imageId}&redirect=true`, { token: ada.idToken });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toContain('darkroom-thumbnails');
  }, 60_000);

  it('marks a corrupt file failed with a reason, once, without retrying it', async () => {
    const corrupt = Buffer.concat([photo('Wood.jpg').subarray(0, 2000), Buffer.alloc(5000, 7)]);
    const { imageId, thumbnail } = await uploadImage(ada, 'broken.jpg', corrupt);
    expect(thumbnail.status).toBe(422);
    expect(thumbnail.body.message).toMatch(/could not be processed: (not a decodable image|image could not be decoded): /);
    // Darkroom's reason, never libvips' own text (that is in the worker's log only).
    expect(thumbnail.body.message).not.toMatch(/vips|Input buffer|premature end|corrupt header/i);
    const { Item } = await clients().dynamo.send(new GetCommand({ TableName: stack().resources['table:images'], Key: { pk: ada.sub, sk: `IMAGE#${imageId}` } }));
    expect(Item).toMatchObject({ status: 'failed', size: corrupt.length });
    expect(Item!.failure_reason).toBeTruthy();
  }, 60_000);

  it('does not redo the work of a redelivered notification', async () => {
    const { imageId, created } = await uploadImage(ada, 'Storm.jpg', photo('Storm.jpg'));
    const table = stack().resources['table:images']!;
    const queueUrl = stack().resources['queue:thumbnails']!;
    const record = async () => (await clients().dynamo.send(new GetCommand({ TableName: table, Key: { pk: ada.sub, sk: `IMAGE#${imageId}` }, ConsistentRead: true }))).Item!;
    const key = `${ada.sub}/images/${imageId}/${created.file_name}`;
    const notification = (sequencer: string) => JSON.stringify(s3Notification(stack().resources['bucket:originals']!, key, photo('Storm.jpg').length, sequencer));
    const drained = () => waitFor(async () => {
      const { Attributes = {} } = await clients().sqs.send(new GetQueueAttributesCommand({
        QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }));
      return Attributes.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0';
    }, { what: 'the thumbnails queue to drain' });

    const first = (await record()).processed_at;
    // A new object version (new sequencer) is processed: processed_at moves.
    await clients().sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: notification(`seq-${imageId}`) }));
    const second = await waitFor(async () => { const r = await record(); return r.processed_at !== first ? r.processed_at : undefined; });
    // The same notification again, as at-least-once delivery may hand it over: nothing is redone.
    await clients().sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: notification(`seq-${imageId}`) }));
    await drained();
    await new Promise((r) => setTimeout(r, 500));
    expect((await record()).processed_at).toBe(second);
    expect((await record()).status).toBe('ready');
  }, 60_000);

  it('refuses another user, unknown images, and bad input with clear 4xx', async () => {
    const { imageId } = await uploadImage(ada, 'coffee.png', photo('coffee.png'));
    expect((await api(`/images/download/image?image_id=${imageId}`, { token: bob.idToken })).status).toBe(404);
    expect((await api(`/images/download/image?image_id=${imageId}&user_id=${ada.sub}`, { token: bob.idToken })).status).toBe(403);
    expect((await api(`/images/download/image?image_id=${imageId}`)).status).toBe(401);
    expect((await api('/images/download/image?image_id=00000000-0000-0000-0000-000000000000', { token: ada.idToken })).status).toBe(404);
    expect((await api('/images/download/image', { token: ada.idToken })).body).toEqual({ message: 'image_id: is required (query string)' });
    const wrongType = await api('/images/upload', { token: ada.idToken, body: { file_name: 'notes.txt' } });
    expect(wrongType.status).toBe(415);
    expect((await api('/images/upload', { token: ada.idToken, body: { file_name: 'x.jpg', user_id: bob.sub } })).status).toBe(403);
    expect((await api('/images/upload', { token: ada.idToken, body: {} })).status).toBe(400);
  }, 60_000);
});
