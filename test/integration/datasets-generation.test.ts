import { ListObjectsV2Command, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { allData, recountGroups } from '../../functions/datasets/lib/data';
import { startGeneration, type GenerationMessage } from '../../functions/datasets/lib/generation';
import { handleGenerationMessage } from '../../functions/datasets/lib/generation-worker';
import { countAttribute, projectKey, sizeAttribute, TYPE_METHODS } from '../../functions/datasets/lib/model';
import yauzl from 'yauzl';
import { datasetsResources, fixtureImages, runTask, seedProject, waitForTask } from '../support/datasets-generation';
import { api, clients, newUser, stack, waitFor, type TestUser } from '../support/stack';

let ada: TestUser;
let eve: TestUser;
beforeAll(async () => { [ada, eve] = await Promise.all([newUser('ada'), newUser('eve')]); });

const generate = (user: TestUser, body: Record<string, unknown>) => api('/generate/images', { token: user.idToken, body });
const projectItem = async (user: TestUser, projectId: string) => {
  const { table } = datasetsResources();
  return (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: projectKey(user.sub, projectId), ConsistentRead: true }))).Item!;
};
/** The project's counters equal a full recount of its records, for every group. */
async function expectExactCounters(user: TestUser, projectId: string) {
  const [project, recount] = [await projectItem(user, projectId), await recountGroups(datasetsResources().table, projectId)];
  for (const type of TYPE_METHODS) expect([type, Number(project[countAttribute(type)] ?? 0), Number(project[sizeAttribute(type)] ?? 0)]).toEqual([type, recount[type].count, recount[type].size]);
  return recount;
}
/** The entry names of a zip. */
const zipNames = (data: Buffer) => new Promise<string[]>((resolve, reject) => {
  yauzl.fromBuffer(data, { lazyEntries: true }, (error, zip) => {
    if (error || !zip) return reject(error);
    const names: string[] = [];
    zip.on('entry', (entry: yauzl.Entry) => { names.push(entry.fileName); zip.readEntry(); });
    zip.on('end', () => resolve(names));
    zip.on('error', reject);
    zip.readEntry();
  });
});
const objectsUnder = async (prefix: string) => {
  const { Contents = [] } = await clients().s3.send(new ListObjectsV2Command({ Bucket: datasetsResources().bucket, Prefix: prefix }));
  return Contents.map((c) => c.Key!);
};

describe('generation: the whole flow', () => {
  let project: Awaited<ReturnType<typeof seedProject>>;
  beforeAll(async () => { project = await seedProject(ada, { side: 320, count: 6 }); });

  it('lists the methods, with the seed\'s id_token body field as the token', async () => {
    const response = await api('/generate/list_method', { body: { id_token: ada.idToken } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ error: false, success: true, message: null });
    expect(response.body.data.augmentation).toHaveLength(18);
    expect(response.body.data.preprocessing.map((m: { method_id: string }) => m.method_id)).toEqual(['PRE-000', 'PRE-001', 'PRE-002', 'PRE-003', 'PRE-004', 'PRE-005', 'PRE-006', 'PRE-008', 'PRE-009']);
    expect((await api('/generate/list_method', { body: {} })).status).toBe(401);
  });

  it('the sample project: PRE-000+PRE-002+PRE-008, then four AUG methods x 5; list_data, info and the AUGMENT export show them', async () => {
    const user = await newUser('gen-sample');
    const sample = await api('/projects/create_sample', { token: user.idToken, body: {} });
    expect(sample.status).toBe(200);
    const projectId = sample.body.data.project_id as string;
    const call = (path: string, body: Record<string, unknown>) => api(path, { body: { id_token: user.idToken, ...body } });
    const before = (await call('/projects/info', { project_name: 'sample_project' })).body.data;
    const count = before.groups.ORIGINAL.count as number;
    expect(count).toBeGreaterThanOrEqual(20);
    const split = [count - 6, 3, 3];

    const pre = await runTask(user, { project_id: projectId, project_name: 'sample_project', ls_method_id: ['PRE-000', 'PRE-002', 'PRE-008'], data_number: split });
    expect(pre).toMatchObject({ status: 'FINISH', process_type: 'PREPROCESS', number_finished: count, number_total: count, number_failed: 0, times_generated: 1 });
    expect(pre.reference_images).toEqual([
      { method_id: 'PRE-002', statistic: 'brightness', filename: expect.any(String), value: expect.any(Number) },
      { method_id: 'PRE-008', statistic: 'contrast', filename: expect.any(String), value: expect.any(Number) },
    ]);

    const aug = await runTask(user, { project_id: projectId, project_name: 'sample_project', ls_method_id: ['AUG-000', 'AUG-003', 'AUG-009', 'AUG-013'], data_type: 'PREPROCESS', num_aug_p_img: 5, data_number: split }, 300_000);
    expect(aug).toMatchObject({ status: 'FINISH', process_type: 'AUGMENT', number_finished: count * 5, number_total: count * 5, number_failed: 0, times_generated: 2 });

    const listed = await call('/projects/list_data', { project_id: projectId, type_method: 'AUGMENT', num_limit: 500, next_token: '' });
    expect(listed.status).toBe(200);
    const items = listed.body.data.items as Array<{ filename: string; s3_key: string; gen_id: string; classtype: string }>;
    expect(items).toHaveLength(count * 5);
    expect(listed.body.data.next_token).toBeNull();
    expect(items.filter((i) => i.classtype === 'TRAIN')).toHaveLength(split[0]! * 5);
    expect(items.filter((i) => i.classtype === 'VAL')).toHaveLength(15);
    expect(new Set(items.map((i) => i.gen_id))).toEqual(new Set(['AUG-000', 'AUG-003', 'AUG-009', 'AUG-013']));
    const pageOfPre = await call('/projects/list_data', { project_id: projectId, type_method: 'PREPROCESS', num_limit: 500, next_token: '' });
    expect(pageOfPre.body.data.items.every((i: { gen_id: string }) => i.gen_id === 'PRE-000+PRE-002+PRE-008')).toBe(true);

    const details = (await call('/projects/info', { project_name: 'sample_project' })).body.data;
    expect(details.times_generated).toBe(2);
    expect(details.ls_task).toEqual([]);
    expect(details.groups.PREPROCESS).toMatchObject({ count, data_number: split });
    expect(details.groups.AUGMENT).toMatchObject({ count: count * 5, data_number: split.map((n) => n * 5) });
    const recount = await expectExactCounters(user, projectId);
    expect(details.groups.AUGMENT.size).toBe(recount.AUGMENT.size);

    const created = await call('/projects/download_create', { down_type: 'AUGMENT', project_id: projectId, project_name: 'sample_project' });
    expect(created.status).toBe(200);
    const exported = await waitFor(async () => {
      const response = await call('/projects/download_update', { task_id: created.body.data.task_id });
      return ['FINISH', 'ERROR'].includes(response.body.data?.status) ? response.body.data : undefined;
    }, { timeout: 120_000, what: 'the AUGMENT export' });
    expect(exported.status).toBe('FINISH');
    const names = await zipNames(Buffer.from(await (await fetch(exported.presign_url)).arrayBuffer()));
    expect(names.sort()).toEqual(items.map((i) => `AUGMENT/${i.classtype}/${i.filename}`).sort());
  }, 600_000);

  it('gives the same bytes for the same seed; a new preprocessing run replaces the group', async () => {
    const body = { project_id: project.project_id, project_name: project.project_name, ls_method_id: ['PRE-001'], data_number: [6, 0, 0], seed: 'same-seed' };
    const first = await runTask(ada, body);
    const hashes = async () => Object.fromEntries((await allData(datasetsResources().table, project.project_id, 'PREPROCESS')).map((d) => [d.filename, d.hash]));
    const before = await hashes();
    const second = await runTask(ada, body);
    expect([first.status, second.status]).toEqual(['FINISH', 'FINISH']);
    expect(await hashes()).toEqual(before);
    expect(Object.keys(before)).toHaveLength(6);
    await expectExactCounters(ada, project.project_id);
  }, 120_000);
});

describe('generation: refusals write nothing', () => {
  let project: Awaited<ReturnType<typeof seedProject>>;
  beforeAll(async () => { project = await seedProject(eve, { side: 160, count: 3 }); });
  const base = () => ({ project_id: project.project_id, project_name: project.project_name, ls_method_id: ['AUG-003'], data_number: [3, 0, 0] });

  it.each([
    [{ ls_method_id: ['AUG-003', 'PRE-001'] }, 400, /do not mix/],
    [{ ls_method_id: ['AUG-123'] }, 400, /Unknown method/],
    [{ ls_method_id: ['PRE-002'], data_type: 'PREPROCESS' }, 400, /already preprocessed/],
    [{ num_aug_p_img: 6 }, 400, /num_aug_p_img/],
    [{ num_aug_p_img: 0 }, 400, /num_aug_p_img/],
    [{ data_number: [2, 0, 0] }, 400, /add up to/],
    [{ data_number: [0, 3, 0] }, 400, /train/],
    [{ data_type: 'PREPROCESS' }, 400, /empty/],
    [{ project_name: 'not-its-name' }, 400, /project_name/],
    [{ project_id: 'unknown_0123456789abcdef0123456789abcdef' }, 404, /not found/],
  ])('%j -> %i', async (change, status, message) => {
    const response = await generate(eve, { ...base(), ...change });
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ data: null, error: true, success: false, message: expect.stringMatching(message) });
  });

  it('refuses another user\'s project and task (404), and a second task while one runs (409, decided by the write)', async () => {
    expect((await generate(ada, base())).status).toBe(404);
    const both = await Promise.all([generate(eve, base()), generate(eve, base())]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = both.find((r) => r.status === 200)!;
    expect((await api('/generate/task_progress', { token: ada.idToken, body: { task_id: winner.body.data.task_id } })).status).toBe(404);
    expect((await api('/generate/task_cancel', { token: ada.idToken, body: { task_id: winner.body.data.task_id } })).status).toBe(404);
    await waitForTask(eve, winner.body.data.task_id);
    expect((await api('/generate/task_cancel', { token: eve.idToken, body: { task_id: winner.body.data.task_id } })).status).toBe(409);
    const item = await projectItem(eve, project.project_id);
    expect(item.times_generated).toBe(1);
    await expectExactCounters(eve, project.project_id);
  }, 60_000);

  it('records a bad source image on the task and skips it', async () => {
    const images = [...await fixtureImages(160, 2), { filename: 'broken.jpg', data: Buffer.from('this is not a jpeg') }];
    const broken = await seedProject(eve, { images });
    const done = await runTask(eve, { project_id: broken.project_id, project_name: broken.project_name, ls_method_id: ['AUG-004'], num_aug_p_img: 2, data_number: [3, 0, 0] });
    expect(done).toMatchObject({ status: 'FINISH', number_finished: 4, number_failed: 2, number_total: 6, failures: [{ filename: 'broken.jpg', reason: expect.stringMatching(/not a decodable image/) }] });
    expect(await allData(datasetsResources().table, broken.project_id, 'AUGMENT')).toHaveLength(4);
  }, 60_000);

  it('cancels a running task: workers stop before their next image', async () => {
    const big = await seedProject(eve, { side: 1024, count: 8 });
    const started = await generate(eve, { project_id: big.project_id, project_name: big.project_name, ls_method_id: ['AUG-017'], num_aug_p_img: 5, data_number: [8, 0, 0] });
    expect(started.status).toBe(200);
    const cancel = await api('/generate/task_cancel', { token: eve.idToken, body: { task_id: started.body.data.task_id } });
    expect(cancel.status).toBe(200);
    expect(cancel.body.data.status).toBe('CANCELLED');
    await new Promise((r) => setTimeout(r, 3000));
    const after = (await api('/generate/task_progress', { token: eve.idToken, body: { task_id: started.body.data.task_id } })).body.data;
    expect(after.status).toBe('CANCELLED');
    expect(after.number_finished).toBeLessThan(40);
    expect((await projectItem(eve, big.project_id)).times_generated).toBe(0);
    await expectExactCounters(eve, big.project_id);
    // The project takes a new task at once: the cancel released its lock.
    expect((await generate(eve, { project_id: big.project_id, project_name: big.project_name, ls_method_id: ['AUG-003'], data_number: [8, 0, 0] })).status).toBe(200);
  }, 60_000);
});

describe('generation: redelivery and crashes', () => {
  const dlq = () => stack().resources['queue:dataset-generation:dlq']!;

  it('a redelivered batch message (same and other batch number) adds no output and counts nothing twice', async () => {
    const project = await seedProject(ada, { side: 160, count: 3 });
    const done = await runTask(ada, { project_id: project.project_id, project_name: project.project_name, ls_method_id: ['AUG-011'], num_aug_p_img: 2, data_number: [3, 0, 0] });
    expect(done.number_finished).toBe(6);
    const sources = (await allData(datasetsResources().table, project.project_id, 'ORIGINAL')).map((d, index) => ({ filename: d.filename, key: d.key, classtype: 'TRAIN', index }));
    const queue = stack().resources['queue:dataset-generation']!;
    for (const batch of [0, 7]) {
      await clients().sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: JSON.stringify({ type: 'batch', task_id: done.task_id, batch, sources }) }));
    }
    await new Promise((r) => setTimeout(r, 4000));
    const after = (await api('/generate/task_progress', { token: ada.idToken, body: { task_id: done.task_id } })).body.data;
    expect(after).toMatchObject({ status: 'FINISH', number_finished: 6, number_total: 6 });
    expect(await allData(datasetsResources().table, project.project_id, 'AUGMENT')).toHaveLength(6);
    expect((await projectItem(ada, project.project_id)).times_generated).toBe(1);
    await expectExactCounters(ada, project.project_id);
  }, 60_000);

  it('a worker crash in the middle of a batch, then redelivery: no duplicate, no missing output, finished once', async () => {
    const project = await seedProject(ada, { side: 200, count: 4 });
    const { table, bucket } = datasetsResources();
    const { env } = stack();
    const base = { region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } };
    const sqs = new SQSClient({ ...base, endpoint: stack().sqs });
    // The task's messages go to a queue no worker reads (the DLQ), so this test plays the worker.
    const deps = { table, bucket, queue: { sqs, url: dlq() }, s3: clients().s3 };
    const { task_id: taskId } = await startGeneration(deps, { sub: ada.sub }, {
      project_id: project.project_id, project_name: project.project_name, ls_method_id: ['AUG-002', 'AUG-014'], num_aug_p_img: 3, data_number: [2, 1, 1],
    });
    const take = async (): Promise<GenerationMessage[]> => {
      const out: GenerationMessage[] = [];
      for (let i = 0; i < 5; i++) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq(), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of Messages) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq(), ReceiptHandle: m.ReceiptHandle! }));
          const message = JSON.parse(m.Body!) as GenerationMessage;
          if (message.task_id === taskId) out.push(message);
        }
        if (out.length) return out;
      }
      return out;
    };
    const [plan] = await take();
    expect(plan).toEqual({ type: 'plan', task_id: taskId });
    await handleGenerationMessage(deps, plan!, { number: 1, max: 3 });
    const batches = await take();
    expect(batches.map((b) => b.type)).toEqual(['batch']); // 4 sources x 3 outputs fit one message

    // The crash: S3 dies on the 5th PutObject, after 4 outputs were stored, registered and counted.
    let puts = 0;
    const crashing = new S3Client({ ...base, endpoint: stack().s3, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
    crashing.middlewareStack.add((next) => async (args) => {
      if ((args.input as PutObjectCommandInput).Body && ++puts === 5) throw new Error('worker crashed');
      return next(args);
    }, { step: 'initialize' });
    await expect(handleGenerationMessage({ ...deps, s3: crashing }, batches[0]!, { number: 1, max: 3 })).rejects.toThrow('worker crashed');
    const midway = (await api('/generate/task_progress', { token: ada.idToken, body: { task_id: taskId } })).body.data;
    expect(midway).toMatchObject({ status: 'RUNNING', number_finished: 4 });

    // SQS delivers the message again (twice, for good measure).
    await handleGenerationMessage(deps, batches[0]!, { number: 2, max: 3 });
    await handleGenerationMessage(deps, batches[0]!, { number: 3, max: 3 });
    const done = (await api('/generate/task_progress', { token: ada.idToken, body: { task_id: taskId } })).body.data;
    expect(done).toMatchObject({ status: 'FINISH', number_finished: 12, number_total: 12, number_failed: 0, times_generated: 1 });
    const outputs = await allData(table, project.project_id, 'AUGMENT');
    expect(outputs).toHaveLength(12);
    expect(new Set(outputs.map((o) => o.filename)).size).toBe(12);
    expect(await objectsUnder(`${ada.identityId}/${project.project_id}/AUGMENT/`)).toHaveLength(12);
    expect((await projectItem(ada, project.project_id)).times_generated).toBe(1);
    await expectExactCounters(ada, project.project_id);
  }, 90_000);
});
