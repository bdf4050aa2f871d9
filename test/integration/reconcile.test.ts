/**
 * The scheduled reconcilers (images-reconcile, photos-reconcile) through the local stack, run with
 * POST /_local/schedule/<function> as their EventBridge rule would run them every 5 minutes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { api, clients, newUser, stack, unique, waitFor, type TestUser } from '../support/stack';

const photo = readFileSync(join(__dirname, '../fixtures/photos/Storm.jpg'));
const anHourAgo = () => new Date(Date.now() - 3600_000).toISOString();

let ada: TestUser;
beforeAll(async () => { ada = await newUser('reconcile'); });

/** Runs a scheduled function now; returns its summary. */
async function sweep(name: 'images-reconcile' | 'photos-reconcile') {
  const response = await fetch(`${stack().api}/_local/schedule/${name}`, { method: 'POST' });
  const run = await response.json() as { result: { scanned: number; redriven: number; abandoned: number; errors: number }; error?: string };
  expect([response.status, run.error]).toEqual([200, undefined]);
  return run.result;
}

const record = async (table: 'images' | 'photos', sk: string) =>
  (await clients().dynamo.send(new GetCommand({ TableName: stack().resources[`table:${table}`], Key: { pk: ada.sub, sk }, ConsistentRead: true }))).Item;

describe('images-reconcile', () => {
  it('re-drives an image whose original is stored but whose notification never reached the worker, once', async () => {
    const { s3, dynamo } = clients();
    const imageId = `lost-${unique()}`;
    const key = `${ada.sub}/images/${imageId}/Storm.jpg`;
    // The object lands before any record exists, so the worker's pass finds no upload and records nothing:
    // what a lost notification leaves behind once the record below exists.
    await s3.send(new PutObjectCommand({ Bucket: stack().resources['bucket:originals'], Key: key, Body: photo, ContentType: 'image/jpeg' }));
    await waitFor(() => s3.send(new HeadObjectCommand({ Bucket: stack().resources['bucket:thumbnails'], Key: key })).then(() => true, () => false), { what: 'the first worker pass' });
    await dynamo.send(new PutCommand({ TableName: stack().resources['table:images'], Item: {
      pk: ada.sub, sk: `IMAGE#${imageId}`, image_id: imageId, owner: ada.sub, file_name: 'Storm.jpg', key, status: 'pending', created_at: anHourAgo(),
    } }));
    expect((await api(`/images/download/thumbnail?image_id=${imageId}`, { token: ada.idToken })).status).toBe(404);

    expect((await sweep('images-reconcile')).redriven).toBeGreaterThanOrEqual(1);
    // A second sweep before the first re-drive is overdue does not send it again.
    await sweep('images-reconcile');
    const thumbnail = await waitFor(async () => {
      const response = await api(`/images/download/thumbnail?image_id=${imageId}`, { token: ada.idToken });
      return response.status === 200 ? response : undefined;
    }, { timeout: 30_000, what: 'the re-driven thumbnail' });
    expect(thumbnail.body).toMatchObject({ width: 256 });
    expect(await record('images', `IMAGE#${imageId}`)).toMatchObject({ status: 'ready', redrive_count: 1, size: photo.length });
  }, 90_000);

  it('marks failed, with the reason, an image whose upload URL expired unused', async () => {
    const created = await api('/images/upload', { token: ada.idToken, body: { file_name: 'never-sent.jpg' } });
    expect(created.status).toBe(201);
    const sk = `IMAGE#${created.body.image_id}`;
    await clients().dynamo.send(new UpdateCommand({
      TableName: stack().resources['table:images'], Key: { pk: ada.sub, sk }, UpdateExpression: 'SET created_at = :t', ExpressionAttributeValues: { ':t': anHourAgo() },
    }));
    expect((await sweep('images-reconcile')).abandoned).toBeGreaterThanOrEqual(1);
    expect(await record('images', sk)).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/never completed/) });
    const thumbnail = await api(`/images/download/thumbnail?image_id=${created.body.image_id}`, { token: ada.idToken });
    expect(thumbnail.status).toBe(422);
  }, 60_000);

  it('leaves recent pending uploads alone', async () => {
    const created = await api('/images/upload', { token: ada.idToken, body: { file_name: 'in-progress.jpg' } });
    await sweep('images-reconcile');
    expect(await record('images', `IMAGE#${created.body.image_id}`)).toMatchObject({ status: 'pending' });
    expect((await record('images', `IMAGE#${created.body.image_id}`))!.redrive_count).toBeUndefined();
  });
});

describe('photos-reconcile', () => {
  it('marks failed a presigned photo upload that never came, and answers 404 for an unknown function', async () => {
    const created = await api('/photos/upload_single_photo', { token: ada.idToken, body: { filename: 'late.jpg', content_type: 'image/jpeg', size: 1000 } });
    expect(created.status).toBe(201);
    const sk = `PHOTO#${created.body.filename}`;
    await clients().dynamo.send(new UpdateCommand({
      TableName: stack().resources['table:photos'], Key: { pk: ada.sub, sk }, UpdateExpression: 'SET uploaded_at = :t', ExpressionAttributeValues: { ':t': anHourAgo() },
    }));
    expect((await sweep('photos-reconcile')).abandoned).toBeGreaterThanOrEqual(1);
    expect(await record('photos', sk)).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/never completed/) });
    expect((await fetch(`${stack().api}/_local/schedule/photos-nothing`, { method: 'POST' })).status).toBe(404);
  }, 60_000);
});
