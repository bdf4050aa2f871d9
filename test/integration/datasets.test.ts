/**
 * The datasets service (seed 003's project APIs and download tasks) through the local stack: real
 * Cognito tokens, real S3 presigned POSTs, DynamoDB transactions and the SQS export worker.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import yauzl from 'yauzl';
import { recountGroups } from '../../functions/datasets/lib/data';
import { finishTask, startTask } from '../../functions/datasets/lib/tasks';
import { fixtureNames, fixturePhoto } from '../support/archives';
import { api, clients, newUser, presignedPost, stack, unique, waitFor, type TestUser } from '../support/stack';

const SAMPLES_DIR = join(__dirname, '../../functions/datasets/samples');
const BUCKET = () => stack().resources['bucket:datasets']!;
const table = () => ({ doc: clients().dynamo, tableName: stack().resources['table:datasets']! });

let ada: TestUser;
let bob: TestUser;
beforeAll(async () => { [ada, bob] = await Promise.all([newUser('ds-ada'), newUser('ds-bob')]); });

/** A datasets call as seed 003's clients make it: the tokens in the body. `header: true` sends the ID token as a Bearer header instead. */
const call = (path: string, user: TestUser, body: Record<string, unknown> = {}, options: { header?: boolean } = {}) =>
  api(path, options.header ? { token: user.idToken, body } : { body: { id_token: user.idToken, access_token: user.accessToken, ...body } });

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
/** `size` bytes that S3 and the server take for a PNG (its 8-byte signature, then filler): enough for tests of counting. */
const pngBytes = (size: number, fill = 0) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(size - 8, fill)]);

/** 24 fixture photos and 6 sample images: 30 files of 8 KB to 8 MB. */
function thirtyPhotos(): Array<{ filename: string; data: Buffer }> {
  const photos = fixtureNames().map((name) => ({ filename: name, data: fixturePhoto(name) }));
  const samples = readdirSync(SAMPLES_DIR).sort().slice(0, 6).map((name) => ({ filename: `sample ${name}`, data: readFileSync(join(SAMPLES_DIR, name)) }));
  return [...photos, ...samples];
}

async function createProject(user: TestUser, name = `proj ${unique()}`) {
  const created = await call('/projects/create', user, { project_name: name, project_info: 'a test project' });
  expect(created.status).toBe(200);
  return { name, ...created.body.data as { project_id: string; s3_prefix: string } };
}

/** Uploads files through /projects/upload_urls and the presigned POSTs, then registers them. */
async function uploadAndRegister(user: TestUser, project: { name: string; project_id: string }, files: Array<{ filename: string; data: Buffer }>) {
  const urls = await call('/projects/upload_urls', user, {
    project_id: project.project_id, ls_object_info: files.map((f) => ({ filename: f.filename, size: f.data.length })),
  });
  expect(urls.status).toBe(200);
  const items = urls.body.data.items as Array<{ filename: string; s3_key: string; upload: { url: string; fields: Record<string, string> } }>;
  const statuses = await Promise.all(items.map((item, i) => presignedPost(item.upload, files[i]!.data, item.filename)));
  expect(new Set(statuses)).toEqual(new Set([204]));
  const registered = await call('/projects/upload_update', user, {
    project_id: project.project_id, project_name: project.name,
    ls_object_info: items.map((item, i) => ({ s3_key: item.s3_key, filename: item.filename, hash: md5(files[i]!.data), size: 1 })),
  });
  expect(registered.status).toBe(200);
  return registered.body.data as { created: number; replaced: number };
}

async function info(user: TestUser, name: string) {
  const response = await call('/projects/info', user, { project_name: name });
  expect(response.status).toBe(200);
  return response.body.data;
}

/** Every item of a group, page by page. */
async function listAll(user: TestUser, projectId: string, type: string, limit: number) {
  const items: Array<Record<string, any>> = [];
  let token: unknown = '';
  let pages = 0;
  do {
    const page = await call('/projects/list_data', user, { project_id: projectId, type_method: type, num_limit: limit, next_token: token });
    expect(page.status).toBe(200);
    items.push(...page.body.data.items);
    token = page.body.data.next_token;
    pages += 1;
  } while (token);
  return { items, pages };
}

/** Reads every entry of a zip into memory (test-sized archives only). */
function unzip(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => { entries.set(entry.fileName, Buffer.concat(chunks)); zip.readEntry(); });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const exportDone = (user: TestUser, taskId: string, path = '/projects/download_update') => waitFor(async () => {
  const response = await call(path, user, { task_id: taskId });
  return response.body.data?.status === 'FINISH' || response.body.data?.status === 'ERROR' ? response.body.data : undefined;
}, { timeout: 60_000, what: `export ${taskId}` });

async function objectsUnder(prefix: string): Promise<string[]> {
  const listed = await clients().s3.send(new ListObjectsV2Command({ Bucket: BUCKET(), Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

describe('datasets: a project from creation to deletion', () => {
  it('creates, uploads 30 photos, checks, lists in pages, exports ALL byte for byte, deletes images, renames and deletes', async () => {
    const project = await createProject(ada);
    expect(project.project_id).toMatch(new RegExp(`^${project.name}_[0-9a-f]{32}$`));
    expect(project.s3_prefix).toBe(`${BUCKET()}/${ada.identityId}/${project.project_id}`);
    expect((await info(ada, project.name)).groups).toBeNull();

    const files = thirtyPhotos();
    expect(files).toHaveLength(30);
    expect(await uploadAndRegister(ada, project, files)).toEqual({ created: 30, replaced: 0 });
    const totalBytes = files.reduce((sum, f) => sum + f.data.length, 0);
    const details = await info(ada, project.name);
    expect(details).toMatchObject({ identity_id: ada.identityId, project_id: project.project_id, times_generated: 0, ls_task: [] });
    expect(details.groups).toEqual({ ORIGINAL: { count: 30, size: totalBytes, data_number: null } });

    const check = await call('/projects/upload_check', ada, { project_id: project.project_id, ls_filename: ['coffee.png', 'not-there.png', 'Storm.jpg'] });
    expect(check.body.data).toEqual([
      { filename: { S: 'coffee.png' }, size: { N: String(fixturePhoto('coffee.png').length) } },
      { filename: { S: 'Storm.jpg' }, size: { N: String(fixturePhoto('Storm.jpg').length) } },
    ]);

    const listed = await listAll(ada, project.project_id, 'ORIGINAL', 7);
    expect(listed.pages).toBe(5);
    expect(listed.items.map((i) => i.filename)).toEqual(files.map((f) => f.filename).sort());
    expect(listed.items[0]).toEqual({ filename: listed.items[0]!.filename, s3_key: `${project.s3_prefix}/${listed.items[0]!.filename}`, gen_id: '', classtype: null, size: expect.any(Number) });

    const created = await call('/projects/download_create', ada, { down_type: 'ALL', project_id: project.project_id, project_name: project.name });
    expect(created.status).toBe(200);
    const taskId = created.body.data.task_id as string;
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);
    const running = await call('/projects/download_update', ada, { task_id: taskId });
    expect(running.body.data).toMatchObject({ task_id: taskId, down_type: 'ALL', project_id: project.project_id, project_name: project.name, progress: { total: 30 } });
    const done = await exportDone(ada, taskId);
    expect(done).toMatchObject({ status: 'FINISH', progress: { done: 30, total: 30 } });
    expect(done.s3_key).toBe(`${ada.identityId}/${project.project_id}/download/${taskId}/${project.name.replace(/ /g, '_')}_ALL.zip`);
    const zip = Buffer.from(await (await fetch(done.presign_url)).arrayBuffer());
    expect(zip.length).toBe(done.size);
    const entries = await unzip(zip);
    expect([...entries.keys()].sort()).toEqual(files.map((f) => `ORIGINAL/${f.filename}`).sort());
    for (const file of files) expect(entries.get(`ORIGINAL/${file.filename}`)!.equals(file.data)).toBe(true);

    // The seed's other pair of names serves the same tasks; an identical export of unchanged data is reused.
    const again = await call('/dataflow/create_compress_download_task', ada, { down_type: 'ALL', project_id: project.project_id, project_name: project.name });
    expect(again.body.data.task_id).toBe(taskId);
    expect((await call('/dataflow/get_compress_download_task', ada, { task_id: taskId })).body.data.status).toBe('FINISH');

    const deleted = await call('/projects/delete_images', ada, {
      project_id: project.project_id,
      ls_object_info: [{ filename: 'coffee.png', type_method: 'ORIGINAL', size: 1 }, { filename: 'Storm.jpg', type_method: 'ORIGINAL', size: 1 }, { filename: 'ghost.png', type_method: 'ORIGINAL', size: 1 }],
    });
    expect(deleted.body.data).toEqual({
      deleted: [{ filename: 'coffee.png', type_method: 'ORIGINAL' }, { filename: 'Storm.jpg', type_method: 'ORIGINAL' }],
      not_found: [{ filename: 'ghost.png', type_method: 'ORIGINAL' }],
    });
    const gone = fixturePhoto('coffee.png').length + fixturePhoto('Storm.jpg').length;
    expect((await info(ada, project.name)).groups.ORIGINAL).toEqual({ count: 28, size: totalBytes - gone, data_number: null });
    expect(await objectsUnder(`${ada.identityId}/${project.project_id}/coffee.png`)).toEqual([]);
    const fresh = await call('/projects/download_create', ada, { down_type: 'ORIGINAL', project_id: project.project_id, project_name: project.name });
    expect(fresh.body.data.task_id).not.toBe(taskId);
    expect((await exportDone(ada, fresh.body.data.task_id)).progress).toEqual({ done: 28, total: 28 });

    const renamed = `${project.name} v2`;
    const update = await call('/projects/update_info', ada, { cur_project_name: project.name, new_project_name: renamed, new_description: 'renamed' });
    expect(update.body.data).toEqual({ project_id: project.project_id, s3_prefix: project.s3_prefix, is_sample: false, gen_status: 'FINISH', project_name: renamed, description: 'renamed' });
    expect((await call('/projects/info', ada, { project_name: project.name })).status).toBe(404);
    const other = await createProject(ada);
    const clash = await call('/projects/update_info', ada, { cur_project_name: other.name, new_project_name: renamed });
    expect([clash.status, clash.body]).toEqual([409, { data: null, error: true, success: false, message: `A project named "${renamed}" already exists` }]);
    // The old name is free again.
    expect((await call('/projects/create', ada, { project_name: project.name })).status).toBe(200);

    const removal = await call('/projects/delete', ada, { project_id: project.project_id, project_name: renamed });
    expect([removal.status, removal.body.data]).toEqual([200, { purged: true }]);
    const names = (await call('/projects/list', ada)).body.data.items.map((i: any) => i.project_id.S);
    expect(names).not.toContain(project.project_id);
    expect(await objectsUnder(`${ada.identityId}/${project.project_id}/`)).toEqual([]);
    expect(await recountGroups(table(), project.project_id)).toEqual({ ORIGINAL: { count: 0, size: 0 }, PREPROCESS: { count: 0, size: 0 }, AUGMENT: { count: 0, size: 0 } });
    expect((await call('/projects/download_update', ada, { task_id: taskId })).status).toBe(404);
  }, 240_000);
});

describe('datasets: listing', () => {
  it('lists projects newest first, with seed 003\'s typed values, tasks and groups', async () => {
    const user = await newUser('ds-list');
    const first = await createProject(user, 'first');
    const second = await createProject(user, 'second');
    await uploadAndRegister(user, second, [{ filename: 'coffee.png', data: fixturePhoto('coffee.png') }]);
    const list = await call('/projects/list', user, {}, { header: true });
    expect(list.body).toEqual({
      data: { items: [second, first].map((p) => ({ project_name: { S: p.name }, project_id: { S: p.project_id }, s3_prefix: { S: p.s3_prefix } })) },
      error: false, success: true, message: null,
    });
    const listInfo = await call('/projects/list_info', user);
    expect(listInfo.body.data).toEqual([
      { project_name: 'second', project_id: second.project_id, s3_prefix: second.s3_prefix, ls_task: [], groups: { ORIGINAL: { count: 1, size: fixturePhoto('coffee.png').length } } },
      { project_name: 'first', project_id: first.project_id, s3_prefix: first.s3_prefix, ls_task: [], groups: {} },
    ]);
  });

  it('pages through 1,100 items completely and stably, each exactly once', async () => {
    const project = await createProject(ada);
    const names = Array.from({ length: 1100 }, (_, i) => `img-${String(i).padStart(5, '0')}.png`);
    const s3 = clients().s3;
    const queue = [...names];
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        await s3.send(new PutObjectCommand({ Bucket: BUCKET(), Key: `${ada.identityId}/${project.project_id}/${name}`, Body: pngBytes(20 + name.length), ContentType: 'image/png' }));
      }
    }));
    for (const batch of [names.slice(0, 1000), names.slice(1000)]) {
      const registered = await call('/projects/upload_update', ada, {
        project_id: project.project_id, project_name: project.name,
        ls_object_info: batch.map((filename) => ({ s3_key: `${BUCKET()}/${ada.identityId}/${project.project_id}/${filename}`, filename, hash: 'h', size: 0 })),
      });
      expect(registered.status).toBe(200);
    }
    for (const limit of [500, 333]) {
      const { items, pages } = await listAll(ada, project.project_id, 'ORIGINAL', limit);
      expect(pages).toBe(Math.ceil(1100 / limit));
      expect(items.map((i) => i.filename)).toEqual(names);
    }
    const defaultPage = await call('/projects/list_data', ada, { project_id: project.project_id, type_method: 'ORIGINAL' });
    expect(defaultPage.body.data.items).toHaveLength(100);
    expect((await info(ada, project.name)).groups.ORIGINAL).toEqual({ count: 1100, size: names.reduce((s, n) => s + 20 + n.length, 0), data_number: null });
  }, 180_000);
});

describe('datasets: refusals write nothing', () => {
  let project: { name: string; project_id: string; s3_prefix: string };
  beforeAll(async () => {
    project = await createProject(ada);
    await uploadAndRegister(ada, project, [{ filename: 'chelsea.png', data: fixturePhoto('chelsea.png') }]);
  });
  const groupsNow = async () => (await info(ada, project.name)).groups;

  it('answers 404 for another user\'s project on every route, exactly like an unknown one', async () => {
    const foreign = { project_id: project.project_id };
    const routes: Array<[string, Record<string, unknown>]> = [
      ['/projects/list_data', { ...foreign, type_method: 'ORIGINAL' }],
      ['/projects/upload_check', { ...foreign, ls_filename: ['chelsea.png'] }],
      ['/projects/upload_urls', { ...foreign, ls_object_info: [{ filename: 'x.png', size: 10 }] }],
      ['/projects/upload_update', { ...foreign, project_name: project.name, ls_object_info: [{ s3_key: `${bob.identityId}/${project.project_id}/x.png`, filename: 'x.png', hash: 'h', size: 1 }] }],
      ['/projects/delete_images', { ...foreign, ls_object_info: [{ filename: 'chelsea.png', type_method: 'ORIGINAL', size: 1 }] }],
      ['/projects/delete', { ...foreign, project_name: project.name }],
      ['/projects/download_create', { ...foreign, project_name: project.name, down_type: 'ALL' }],
      ['/projects/info', { project_name: project.name }],
    ];
    for (const [path, body] of routes) {
      const response = await call(path, bob, body);
      expect([path, response.status, response.body.success, response.body.data]).toEqual([path, 404, false, null]);
    }
    const unknown = await call('/projects/list_data', ada, { project_id: `nothing_${'0'.repeat(32)}`, type_method: 'ORIGINAL' });
    expect([unknown.status, unknown.body.message]).toEqual([404, 'Project not found']);
    expect(await groupsNow()).toEqual({ ORIGINAL: { count: 1, size: fixturePhoto('chelsea.png').length, data_number: null } });
  });

  it('refuses keys outside the caller\'s project with 403 and registers none of the batch', async () => {
    const [own] = (await call('/projects/upload_urls', ada, { project_id: project.project_id, ls_object_info: [{ filename: 'astronaut.png', size: fixturePhoto('astronaut.png').length }] })).body.data.items;
    expect(await presignedPost(own.upload, fixturePhoto('astronaut.png'), 'astronaut.png')).toBe(204);
    for (const foreignKey of [`${BUCKET()}/${bob.identityId}/${project.project_id}/astronaut.png`, `${BUCKET()}/${ada.identityId}/other_${'1'.repeat(32)}/astronaut.png`, `other-bucket/${ada.identityId}/${project.project_id}/astronaut.png`]) {
      const response = await call('/projects/upload_update', ada, {
        project_id: project.project_id, project_name: project.name,
        ls_object_info: [{ s3_key: own.s3_key, filename: 'astronaut.png', hash: 'h', size: 1 }, { s3_key: foreignKey, filename: 'astronaut.png', hash: 'h', size: 1 }],
      });
      expect(response.status).toBe(403);
    }
    const notUploaded = await call('/projects/upload_update', ada, {
      project_id: project.project_id, project_name: project.name,
      ls_object_info: [{ s3_key: own.s3_key, filename: 'astronaut.png', hash: 'h', size: 1 }, { s3_key: `${project.s3_prefix}/never.png`, filename: 'never.png', hash: 'h', size: 1 }],
    });
    expect([notUploaded.status, notUploaded.body.message]).toEqual([400, 'not uploaded yet: never.png']);
    // A text file sent with the policy's image type is refused by its bytes.
    const [fake] = (await call('/projects/upload_urls', ada, { project_id: project.project_id, ls_object_info: [{ filename: 'fake.png', size: 100 }] })).body.data.items;
    expect(await presignedPost(fake.upload, Buffer.from('<html>this is not a png</html>'), 'fake.png')).toBe(204);
    const notImage = await call('/projects/upload_update', ada, {
      project_id: project.project_id, project_name: project.name, ls_object_info: [{ s3_key: fake.s3_key, filename: 'fake.png', hash: 'h', size: 1 }],
    });
    expect([notImage.status, notImage.body.message]).toEqual([415, 'not an image (by its bytes): fake.png']);
    expect(await groupsNow()).toEqual({ ORIGINAL: { count: 1, size: fixturePhoto('chelsea.png').length, data_number: null } });
  });

  it('refuses wrong types, num_limit over 500 and forged next_tokens with 400', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['/projects/list_data', { project_id: project.project_id, type_method: 'ORIGINAL', num_limit: 501 }, /num_limit: must be <= 500/],
      ['/projects/list_data', { project_id: project.project_id, type_method: 'ORIGINAL', num_limit: '10' }, /num_limit: must be integer/],
      ['/projects/list_data', { project_id: project.project_id, type_method: 'RAW' }, /type_method/],
      ['/projects/list_data', { project_id: project.project_id, type_method: 'ORIGINAL', next_token: { filename: 'a.png', project_id: `${project.name}_${'f'.repeat(32)}` } }, /next_token belongs to another project/],
      ['/projects/upload_update', { project_id: project.project_id, project_name: project.name, ls_object_info: 'chelsea.png' }, /ls_object_info: must be array/],
      ['/projects/create', { project_name: 'bad/name' }, /project_name/],
      ['/projects/create', { project_name: 'x'.repeat(76) }, /project_name/],
      ['/projects/upload_urls', { project_id: project.project_id, ls_object_info: [{ filename: '../escape.png', size: 10 }] }, /filename/],
    ];
    for (const [path, body, message] of cases) {
      const response = await call(path, ada, body);
      expect([path, response.status, response.body.error, response.body.message]).toEqual([path, 400, true, expect.stringMatching(message)]);
    }
    const bobsProject = await createProject(bob);
    const forged = await call('/projects/list_data', ada, { project_id: project.project_id, type_method: 'ORIGINAL', next_token: { filename: 'a.png', project_id: bobsProject.project_id } });
    expect(forged.status).toBe(400);
    const svg = await call('/projects/upload_urls', ada, { project_id: project.project_id, ls_object_info: [{ filename: 'vector.svg', size: 10 }] });
    expect(svg.status).toBe(415);
    const empty = await call('/projects/download_create', ada, { project_id: project.project_id, project_name: project.name, down_type: 'AUGMENT' });
    expect([empty.status, empty.body.message]).toEqual([400, 'There is no AUGMENT data to download']);
  });

  it('refuses an access_token of another user, and a missing token, with 401', async () => {
    const mixed = await api('/projects/list', { body: { id_token: ada.idToken, access_token: bob.accessToken } });
    expect([mixed.status, mixed.body.message]).toEqual([401, 'access_token belongs to another user']);
    expect((await api('/projects/list', { body: { id_token: ada.idToken, access_token: 'not-a-jwt' } })).status).toBe(401);
    expect((await api('/projects/list', { body: {} })).status).toBe(401);
    expect((await api('/projects/list', { body: { access_token: ada.accessToken } })).status).toBe(401);
  });

  it('refuses to delete a project while a task runs, with the seed\'s message, and deletes it once the task ended', async () => {
    const doomed = await createProject(ada);
    const task = await startTask(table(), { kind: 'generation', owner: { sub: ada.sub }, project: { project_id: doomed.project_id, project_name: doomed.name }, total: 5, exclusive: true });
    const refused = await call('/projects/delete', ada, { project_id: doomed.project_id, project_name: doomed.name });
    expect([refused.status, refused.body.message]).toEqual([409, 'There are 1 tasks are running. Please stop all tasks before deleting the project!']);
    expect((await info(ada, doomed.name)).ls_task).toEqual([task.task_id]);
    const listInfo = (await call('/projects/list_info', ada)).body.data.find((p: any) => p.project_id === doomed.project_id);
    expect(listInfo.ls_task).toEqual([{ task_id: task.task_id, project_id: doomed.project_id }]);
    expect((await call('/projects/update_info', ada, { cur_project_name: doomed.name, new_description: 'busy' })).body.data.gen_status).toBe('GENERATING');
    expect(await finishTask(table(), task, 'FINISH')).toBe(true);
    expect((await call('/projects/delete', ada, { project_id: doomed.project_id, project_name: doomed.name })).status).toBe(200);
    expect((await call('/projects/info', ada, { project_name: doomed.name })).status).toBe(404);
  });
});

describe('datasets: concurrency', () => {
  it('lets exactly one of 10 parallel creates of one name win', async () => {
    const name = `race ${unique()}`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => call('/projects/create', ada, { project_name: name })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    const items = (await call('/projects/list', ada)).body.data.items.filter((i: any) => i.project_name.S === name);
    expect(items).toHaveLength(1);
    expect(items[0].project_id.S).toBe(responses.find((r) => r.status === 200)!.body.data.project_id);
  }, 60_000);

  it('keeps group counters equal to a full recount under concurrent registers, replacements and deletes', async () => {
    const project = await createProject(ada);
    const small = (i: number, size: number) => ({ filename: `c${i}.png`, data: pngBytes(size, i) });
    await uploadAndRegister(ada, project, Array.from({ length: 20 }, (_, i) => small(i, 100 + i)));
    const s3 = clients().s3;
    // Replace c0..c9 with objects of other sizes, and add c20..c29.
    await Promise.all([...Array.from({ length: 10 }, (_, i) => small(i, 5000 + i)), ...Array.from({ length: 10 }, (_, i) => small(20 + i, 300))].map((f) =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET(), Key: `${ada.identityId}/${project.project_id}/${f.filename}`, Body: f.data }))));
    const register = (names: string[]) => call('/projects/upload_update', ada, {
      project_id: project.project_id, project_name: project.name,
      ls_object_info: names.map((filename) => ({ s3_key: `${project.s3_prefix}/${filename}`, filename, hash: 'h', size: 1 })),
    });
    const remove = (names: string[]) => call('/projects/delete_images', ada, {
      project_id: project.project_id, ls_object_info: names.map((filename) => ({ filename, type_method: 'ORIGINAL' })),
    });
    const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `c${from + i}.png`);
    const responses = await Promise.all([
      register(names(0, 10)), register(names(0, 5)), register(names(5, 10)), register(names(20, 30)), register(names(25, 30)),
      remove(names(10, 15)), remove(names(12, 18)), remove(names(18, 20)), register(names(20, 25)), register(names(0, 10)),
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const recount = await recountGroups(table(), project.project_id);
    expect(recount.ORIGINAL).toEqual({
      count: 10 + 10, // c0..c9 replaced, c10..c19 deleted, c20..c29 added
      size: Array.from({ length: 10 }, (_, i) => 5000 + i).reduce((a, b) => a + b, 0) + 10 * 300,
    });
    expect((await info(ada, project.name)).groups.ORIGINAL).toEqual({ ...recount.ORIGINAL, data_number: null });
    const listed = await listAll(ada, project.project_id, 'ORIGINAL', 500);
    expect(listed.items.reduce((sum, item) => sum + item.size, 0)).toBe(recount.ORIGINAL.size);
  }, 120_000);
});

describe('datasets: the sample project', () => {
  it('fills a sample project with the bundled images, registered with their sizes and MD5 hashes; one per user', async () => {
    const user = await newUser('ds-sample');
    const created = await call('/projects/create_sample', user, {});
    expect(created.status).toBe(200);
    expect(created.body.data.project_id).toMatch(/^prj_sample_[0-9a-f]{32}$/);
    const samples = readdirSync(SAMPLES_DIR).sort();
    expect(samples.length).toBeGreaterThanOrEqual(20);
    const details = await info(user, 'sample_project');
    expect(details.groups.ORIGINAL).toEqual({ count: samples.length, size: samples.reduce((s, n) => s + readFileSync(join(SAMPLES_DIR, n)).length, 0), data_number: null });
    const { items } = await listAll(user, created.body.data.project_id, 'ORIGINAL', 500);
    expect(items.map((i) => i.filename)).toEqual(samples);
    const record = await clients().dynamo.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
      TableName: table().tableName, Key: { pk: `DATA#${created.body.data.project_id}#ORIGINAL`, sk: samples[0] },
    }));
    expect(record.Item!.hash).toBe(md5(readFileSync(join(SAMPLES_DIR, samples[0]!))));
    const update = await call('/projects/update_info', user, { cur_project_name: 'sample_project', new_description: '' });
    expect(update.body.data.is_sample).toBe(true);
    const second = await call('/projects/create_sample', user, {});
    expect([second.status, second.body.message]).toEqual([409, expect.stringMatching(/already/)]);
  }, 60_000);
});
