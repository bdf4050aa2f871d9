/**
 * Helpers of the generation integration test and benchmark: a project of fixture photos in the local
 * stack, and a generation task run to its end through the API.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { registerData } from '../../functions/datasets/lib/data';
import { objectKey } from '../../functions/datasets/lib/model';
import { createProject } from '../../functions/datasets/lib/projects';
import { api, clients, stack, unique, waitFor, type TestUser } from './stack';

const PHOTOS = join(__dirname, '../fixtures/photos');

/** The datasets table and bucket of the running stack. */
export const datasetsResources = () => ({
  table: { doc: clients().dynamo, tableName: stack().resources['table:datasets']! },
  bucket: stack().resources['bucket:datasets']!,
});

/** Fixture photos resized to fit `side` px, as JPEG (PNG stays PNG), first `count` of them. */
export async function fixtureImages(side: number, count = Infinity): Promise<Array<{ filename: string; data: Buffer }>> {
  const names = readdirSync(PHOTOS).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().slice(0, count);
  return Promise.all(names.map(async (filename) => {
    const image = sharp(readFileSync(join(PHOTOS, filename))).resize(side, side, { fit: 'inside' });
    return { filename, data: await (filename.endsWith('.png') ? image.png() : image.jpeg({ quality: 90 })).toBuffer() };
  }));
}

/**
 * A project of the user with ORIGINAL data: the fixture photos (or `images`) stored in the datasets
 * bucket and registered through the data model, as an upload would.
 */
export async function seedProject(user: TestUser, options: { side?: number; count?: number; images?: Array<{ filename: string; data: Buffer }> } = {}) {
  const { table, bucket } = datasetsResources();
  const owner = { sub: user.sub };
  const project = await createProject(table, owner, { projectName: `gen-${unique()}`, bucket, identityId: user.identityId });
  const images = options.images ?? await fixtureImages(options.side ?? 320, options.count);
  const s3 = clients().s3;
  await Promise.all(images.map((image) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(user.identityId, project.project_id, 'ORIGINAL', image.filename), Body: image.data }))));
  await registerData(table, { owner, projectId: project.project_id }, 'ORIGINAL', images.map((image) => ({
    filename: image.filename, key: objectKey(user.identityId, project.project_id, 'ORIGINAL', image.filename), size: image.data.length, hash: 'x',
  })));
  return { project_id: project.project_id, project_name: project.project_name, count: images.length, images };
}

/** Polls /generate/task_progress until the task has ended. @returns its last progress */
export async function waitForTask(user: TestUser, taskId: string, timeout = 120_000): Promise<any> {
  return waitFor(async () => {
    const response = await api('/generate/task_progress', { token: user.idToken, body: { task_id: taskId } });
    if (response.status !== 200) throw new Error(`task_progress: ${response.status} ${JSON.stringify(response.body)}`);
    return ['FINISH', 'ERROR', 'CANCELLED'].includes(response.body.data.status) ? response.body.data : undefined;
  }, { timeout, interval: 250, what: `task ${taskId}` });
}

/** Starts a generation task and waits for its end. @throws when /generate/images refuses it */
export async function runTask(user: TestUser, body: Record<string, unknown>, timeout?: number): Promise<any> {
  const started = await api('/generate/images', { token: user.idToken, body });
  if (started.status !== 200) throw new Error(`generate/images: ${started.status} ${JSON.stringify(started.body)}`);
  return { ...await waitForTask(user, started.body.data.task_id, timeout), started: started.body.data };
}
