import { CopyObjectCommand, DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { BatchGetCommand, BatchWriteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { recountGroups } from '../../../functions/datasets/lib/data';
import { purgeProject } from '../../../functions/datasets/lib/removal';
import type { TestIssuer } from '../../support/tokens';
import { BUCKET, call, cancelled, dynamo, handlerOf, IDENTITY_ID, identity, PROJECT_ID, projectItem, resetMocks, s3, setUp, sqs, SUB, TABLE, tearDown } from './harness';

let issuer: TestIssuer;
const handlers: Record<string, Awaited<ReturnType<typeof handlerOf>>> = {};
beforeAll(async () => {
  issuer = await setUp();
  for (const name of ['projects_create', 'projects_list', 'projects_list_info', 'projects_info', 'projects_update_info', 'projects_delete', 'projects_delete_images']) {
    handlers[name] = await handlerOf(name);
  }
});
afterAll(tearDown);
beforeEach(resetMocks);

const transactions = () => dynamo.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
const getProject = (item: Record<string, unknown> | undefined) =>
  dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}` } }).resolves({ Item: item });

describe('POST /projects/create', () => {
  it('keys the new project by the caller\'s identity id: the cached one, else GetId with the ID token; 409 with only an access token and none cached', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(GetCommand, { TableName: 'darkroom-auth', Key: { pk: `IDENTITY#${SUB}`, sk: 'IDENTITY' } }).resolves({ Item: { identity_id: 'us-east-1:cached-id' } });
    const cached = await call(handlers.projects_create!, { project_name: 'cached' });
    expect(cached.body.data.s3_prefix).toBe(`${BUCKET}/us-east-1:cached-id/${cached.body.data.project_id}`);
    expect(identity.commandCalls(GetIdCommand)).toHaveLength(0);
    dynamo.on(GetCommand, { TableName: 'darkroom-auth', Key: { pk: `IDENTITY#${SUB}`, sk: 'IDENTITY' } }).resolves({});
    await call(handlers.projects_create!, { project_name: 'asked' });
    expect(identity.commandCalls(GetIdCommand)[0]!.args[0].input.Logins).toEqual({ [issuer.issuer.replace(/^http:\/\//, '')]: expect.any(String) });
    const accessOnly = await call(handlers.projects_create!, { project_name: 'nope' }, { idToken: issuer.accessToken(SUB), accessToken: null });
    expect(accessOnly).toMatchObject({ status: 409, body: { error: true, message: expect.stringContaining('identity') } });
  });

  it('writes the project and its name claim in one transaction, both conditional, and answers the seed\'s fields', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const response = await call(handlers.projects_create!, { project_name: 'My birds-1.0', project_info: 'gulls' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ error: false, success: true, message: null });
    expect(response.body.data.project_id).toMatch(/^My birds-1\.0_[0-9a-f]{32}$/);
    expect(response.body.data.s3_prefix).toBe(`${BUCKET}/${IDENTITY_ID}/${response.body.data.project_id}`);
    const [items] = transactions();
    expect(items).toHaveLength(2);
    expect(items![0]!.Put).toMatchObject({ Item: { pk: `USER#${SUB}`, sk: 'NAME#My birds-1.0', project_id: response.body.data.project_id }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(items![1]!.Put).toMatchObject({ Item: { sk: `PROJECT#${response.body.data.project_id}`, description: 'gulls', is_sample: false }, ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('answers 409 in the datasets envelope when the name claim exists', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    const response = await call(handlers.projects_create!, { project_name: 'birds' });
    expect(response).toEqual({ status: 409, body: { data: null, error: true, success: false, message: 'A project named "birds" already exists' } });
  });

  it.each([
    ['an empty name', { project_name: '' }],
    ['a name with a slash', { project_name: 'a/b' }],
    ['a name of 76 characters', { project_name: 'x'.repeat(76) }],
    ['a number', { project_name: 7 }],
    ['an unknown field', { project_name: 'ok', owner: 'bob' }],
  ])('refuses %s with 400, writing nothing', async (_, body) => {
    const response = await call(handlers.projects_create!, body);
    expect([response.status, response.body.success]).toEqual([400, false]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('takes the token from Authorization instead of id_token, and refuses an access_token of another user with 401', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const { httpEvent, lambdaContext } = await import('../../support/events');
    const viaHeader = await handlers.projects_create!(httpEvent({ token: issuer.idToken(SUB), body: { project_name: 'birds' } }), lambdaContext());
    expect(viaHeader.statusCode).toBe(200);
    const mixed = await call(handlers.projects_create!, { project_name: 'birds' }, { accessToken: issuer.accessToken('sub-bob') });
    expect([mixed.status, mixed.body.message]).toEqual([401, 'access_token belongs to another user']);
    const forged = await call(handlers.projects_create!, { project_name: 'birds' }, { accessToken: 'x.y.z' });
    expect(forged.status).toBe(401);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('listing and info', () => {
  it('lists projects newest first with typed values', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [projectItem({ project_id: 'old', created_at: '2026-01-01T00:00:00Z' }), projectItem({ project_id: 'new', created_at: '2026-06-01T00:00:00Z' })] });
    const response = await call(handlers.projects_list!, {});
    expect(response.body.data.items.map((i: any) => i.project_id)).toEqual([{ S: 'new' }, { S: 'old' }]);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ ExpressionAttributeValues: { ':pk': `USER#${SUB}`, ':prefix': 'PROJECT#' } });
  });

  it('gives list_info the running tasks and only the groups that hold data', async () => {
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `USER#${SUB}`, ':prefix': 'PROJECT#' } })
      .resolves({ Items: [projectItem({ count_ORIGINAL: 2, size_ORIGINAL: 300, count_AUGMENT: 0, size_AUGMENT: 0 })] });
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `RUNNING#${PROJECT_ID}`, ':prefix': 'TASK#' } })
      .resolves({ Items: [{ task_id: 't1', project_id: PROJECT_ID, kind: 'export', expires_at: Date.now() / 1000 + 60 }, { task_id: 'stale', project_id: PROJECT_ID, kind: 'export', expires_at: 1 }] });
    const response = await call(handlers.projects_list_info!, {});
    expect(response.body.data).toEqual([{
      project_name: 'birds', project_id: PROJECT_ID, s3_prefix: `${BUCKET}/${SUB}/${PROJECT_ID}`,
      ls_task: [{ task_id: 't1', project_id: PROJECT_ID }], groups: { ORIGINAL: { count: 2, size: 300 } },
    }]);
  });

  it('answers info with groups null when empty, data_number once split, and 404 for an unknown name', async () => {
    dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `USER#${SUB}`, sk: 'NAME#birds' } }).resolves({ Item: { project_id: PROJECT_ID } });
    getProject(projectItem());
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect((await call(handlers.projects_info!, { project_name: 'birds' })).body.data).toMatchObject({ identity_id: SUB, project_id: PROJECT_ID, times_generated: 0, ls_task: [], groups: null });
    getProject(projectItem({ count_ORIGINAL: 3, size_ORIGINAL: 30, data_number_ORIGINAL: [2, 1, 0], times_generated: 1 }));
    expect((await call(handlers.projects_info!, { project_name: 'birds' })).body.data.groups).toEqual({ ORIGINAL: { count: 3, size: 30, data_number: [2, 1, 0] } });
    const unknown = await call(handlers.projects_info!, { project_name: 'nope' });
    expect([unknown.status, unknown.body.message]).toEqual([404, 'Project "nope" not found']);
  });

  it('answers info by project_id as the other project routes take it, and 400 when the id and name disagree or both are missing', async () => {
    getProject(projectItem());
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect((await call(handlers.projects_info!, { project_id: PROJECT_ID })).body.data).toMatchObject({ project_name: 'birds', project_id: PROJECT_ID });
    expect((await call(handlers.projects_info!, { project_id: PROJECT_ID, project_name: 'birds' })).status).toBe(200);
    const mismatch = await call(handlers.projects_info!, { project_id: PROJECT_ID, project_name: 'gulls' });
    expect([mismatch.status, mismatch.body.message]).toEqual([400, `project_name does not match project ${PROJECT_ID}`]);
    const neither = await call(handlers.projects_info!, {});
    expect([neither.status, neither.body.message]).toEqual([400, 'give project_name or project_id']);
  });
});

describe('POST /projects/update_info', () => {
  beforeEach(() => {
    dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `USER#${SUB}`, sk: 'NAME#birds' } }).resolves({ Item: { project_id: PROJECT_ID } });
    getProject(projectItem({ description: 'old' }));
    dynamo.on(QueryCommand).resolves({ Items: [] });
  });

  it('renames by moving the name claim and updating the project in one transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const response = await call(handlers.projects_update_info!, { cur_project_name: 'birds', new_project_name: 'gulls', new_description: '' });
    expect(response.body.data).toEqual({ project_id: PROJECT_ID, s3_prefix: `${BUCKET}/${SUB}/${PROJECT_ID}`, is_sample: false, gen_status: 'FINISH', project_name: 'gulls', description: 'old' });
    const [items] = transactions();
    expect(items!.map((i) => Object.keys(i)[0])).toEqual(['Put', 'Delete', 'Update']);
    expect(items![0]!.Put).toMatchObject({ Item: { sk: 'NAME#gulls', project_id: PROJECT_ID }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(items![1]!.Delete).toMatchObject({ Key: { sk: 'NAME#birds' }, ExpressionAttributeValues: { ':id': PROJECT_ID } });
  });

  it('answers 409 for a taken name, and changes only the description without a transaction', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    expect((await call(handlers.projects_update_info!, { cur_project_name: 'birds', new_project_name: 'gulls' })).status).toBe(409);
    dynamo.on(UpdateCommand).resolves({});
    const response = await call(handlers.projects_update_info!, { cur_project_name: 'birds', new_description: 'new' });
    expect(response.body.data).toMatchObject({ project_name: 'birds', description: 'new' });
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':name': 'birds', ':description': 'new' });
  });
});

describe('POST /projects/delete', () => {
  const running = (count: number) => dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `RUNNING#${PROJECT_ID}`, ':prefix': 'TASK#' } })
    .resolves({ Items: Array.from({ length: count }, (_, i) => ({ task_id: `t${i}`, project_id: PROJECT_ID, kind: 'generation', expires_at: Date.now() / 1000 + 600 })) });

  it('refuses with the seed\'s message while tasks run, clearing its deleting mark and deleting nothing', async () => {
    getProject(projectItem());
    dynamo.on(UpdateCommand).resolves({});
    running(2);
    const response = await call(handlers.projects_delete!, { project_id: PROJECT_ID, project_name: 'birds' });
    expect([response.status, response.body.message]).toEqual([409, 'There are 2 tasks are running. Please stop all tasks before deleting the project!']);
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.UpdateExpression);
    expect(updates).toEqual(['SET deleting = :true', 'REMOVE deleting']);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('removes the project and its claim at once, then purges objects in batches of 1,000 and every record', async () => {
    getProject(projectItem());
    dynamo.on(UpdateCommand).resolves({});
    running(0);
    dynamo.on(TransactWriteCommand).resolves({});
    const keys = Array.from({ length: 2500 }, (_, i) => `${SUB}/${PROJECT_ID}/${i}.png`);
    s3.on(ListObjectsV2Command).resolvesOnce({ Contents: keys.slice(0, 1000).map((Key) => ({ Key })) })
      .resolvesOnce({ Contents: keys.slice(1000, 2000).map((Key) => ({ Key })) })
      .resolvesOnce({ Contents: keys.slice(2000).map((Key) => ({ Key })) })
      .resolves({ Contents: [] });
    s3.on(DeleteObjectsCommand).resolves({});
    dynamo.on(QueryCommand, { ProjectionExpression: 'pk, sk' }).resolves({ Items: [] });
    dynamo.on(QueryCommand, { ProjectionExpression: 'pk, sk', ExpressionAttributeValues: { ':pk': `DATA#${PROJECT_ID}#ORIGINAL` } })
      .resolvesOnce({ Items: Array.from({ length: 30 }, (_, i) => ({ pk: `DATA#${PROJECT_ID}#ORIGINAL`, sk: `${i}.png` })) }).resolves({ Items: [] });
    dynamo.on(QueryCommand, { ProjectionExpression: 'pk, sk', ExpressionAttributeValues: { ':pk': `TASKS#${PROJECT_ID}` } })
      .resolvesOnce({ Items: [{ pk: `TASKS#${PROJECT_ID}`, sk: 'task1' }] }).resolves({ Items: [] });
    dynamo.on(BatchWriteCommand).resolves({});
    const response = await call(handlers.projects_delete!, { project_id: PROJECT_ID, project_name: 'birds' });
    expect(response).toEqual({ status: 200, body: { data: { purged: true }, error: false, success: true, message: null } });
    const [items] = transactions();
    expect(items!.map((i) => { const action = Object.values(i)[0] as { Key?: unknown; Item?: { pk: string } }; return action.Key ?? action.Item!.pk; })).toEqual([
      { pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}` }, { pk: `USER#${SUB}`, sk: 'NAME#birds' }, `PURGE#${PROJECT_ID}`,
    ]);
    expect(s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.length)).toEqual([1000, 1000, 500]);
    const deletedKeys = dynamo.commandCalls(BatchWriteCommand).flatMap((c) => c.args[0].input.RequestItems![TABLE]!.map((r) => r.DeleteRequest!.Key));
    expect(deletedKeys).toHaveLength(30 + 2 + 1);
    expect(deletedKeys).toEqual(expect.arrayContaining([{ pk: 'TASK#task1', sk: 'TASK' }, { pk: `TASKS#${PROJECT_ID}`, sk: 'task1' }, { pk: `PURGE#${PROJECT_ID}`, sk: 'PURGE' }]));
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('hands the rest of a large purge to the purge queue when the request\'s time runs out', async () => {
    getProject(projectItem());
    dynamo.on(UpdateCommand).resolves({});
    running(0);
    dynamo.on(TransactWriteCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${SUB}/${PROJECT_ID}/a.png` }] });
    s3.on(DeleteObjectsCommand).callsFake(async () => { await new Promise((r) => setTimeout(r, 30)); return {}; });
    sqs.on(SendMessageCommand).resolves({});
    const { httpEvent, lambdaContext } = await import('../../support/events');
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => 5_100 };
    const raw = await handlers.projects_delete!(httpEvent({ body: { id_token: issuer.idToken(SUB), project_id: PROJECT_ID, project_name: 'birds' } }), context);
    expect(JSON.parse(raw.body).data).toEqual({ purged: false });
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!)).toEqual({ owner: SUB, project_id: PROJECT_ID });
  });

  it('answers 404 for a project that is not the caller\'s and 400 for a wrong project_name', async () => {
    getProject(undefined);
    expect((await call(handlers.projects_delete!, { project_id: PROJECT_ID, project_name: 'birds' })).status).toBe(404);
    getProject(projectItem());
    expect((await call(handlers.projects_delete!, { project_id: PROJECT_ID, project_name: 'gulls' })).status).toBe(400);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('purges nothing more once it is done (a redelivered purge message is harmless)', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(BatchWriteCommand).resolves({});
    const deps = { table: { doc: (await import('@darkroom/runtime')).dynamo(), tableName: TABLE }, s3: (await import('@darkroom/runtime')).s3(), bucket: BUCKET };
    expect(await purgeProject(deps, SUB, PROJECT_ID)).toBe(true);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(await recountGroups(deps.table, PROJECT_ID)).toEqual({ ORIGINAL: { count: 0, size: 0 }, PREPROCESS: { count: 0, size: 0 }, AUGMENT: { count: 0, size: 0 } });
  });
});

describe('POST /projects/create_sample', () => {
  const samples = Array.from({ length: 3 }, (_, i) => ({ Key: `s${i}.jpg`, Size: 1000 + i, ETag: `"etag${i}"` }));
  beforeEach(() => {
    s3.on(ListObjectsV2Command, { Bucket: 'darkroom-dataset-samples' }).resolves({ Contents: [...samples, { Key: 'notes.txt', Size: 5, ETag: '"x"' }] });
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
  });

  it('copies every sample image into the project and registers each as ORIGINAL with its size and MD5 (ETag)', async () => {
    s3.on(CopyObjectCommand).resolves({});
    const handler = await handlerOf('projects_create_sample');
    const response = await call(handler, {});
    expect(response.body.data.project_id).toMatch(/^prj_sample_[0-9a-f]{32}$/);
    const id = response.body.data.project_id;
    expect(s3.commandCalls(CopyObjectCommand).map((c) => [c.args[0].input.CopySource, c.args[0].input.Key])).toEqual(
      samples.map((s) => [`darkroom-dataset-samples/${s.Key}`, `${IDENTITY_ID}/${id}/${s.Key}`]));
    const [create, register] = transactions();
    expect(create!.map((i) => (i.Put!.Item as { sk: string }).sk)).toEqual(['NAME#sample_project', `PROJECT#${id}`, 'SAMPLE']);
    expect(register!.slice(0, 3).map((i) => [(i.Put!.Item as { size: number }).size, (i.Put!.Item as { hash: string }).hash])).toEqual([[1000, 'etag0'], [1001, 'etag1'], [1002, 'etag2']]);
  });

  it('removes the half-made project again when a copy fails', async () => {
    s3.on(CopyObjectCommand).callsFake(async (input: { Key: string }) => { if (input.Key.endsWith('s1.jpg')) throw new Error('copy failed'); return {}; });
    s3.on(ListObjectsV2Command, { Bucket: BUCKET }).resolves({ Contents: [] });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(BatchWriteCommand).resolves({});
    const response = await call(await handlerOf('projects_create_sample'), {});
    expect(response.status).toBe(500);
    const [, discard] = transactions();
    expect(discard!.map((i) => Object.keys(i)[0])).toEqual(['Delete', 'Delete', 'Delete', 'Put']);
    expect((discard![2]!.Delete!.Key as { sk: string }).sk).toBe('SAMPLE');
  });
});

describe('the purge worker', () => {
  it('purges what a deleted project still holds and stops there', async () => {
    s3.on(ListObjectsV2Command).resolvesOnce({ Contents: [{ Key: `${SUB}/${PROJECT_ID}/a.png` }] }).resolves({ Contents: [] });
    s3.on(DeleteObjectsCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(BatchWriteCommand).resolves({});
    const { sqsEvent, lambdaContext } = await import('../../support/events');
    const worker = (await import('../../../functions/datasets/purge_worker/handler')).handler as unknown as (e: unknown, c: unknown) => Promise<{ batchItemFailures: unknown[] }>;
    expect((await worker(sqsEvent({ owner: SUB, project_id: PROJECT_ID }), lambdaContext())).batchItemFailures).toEqual([]);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
