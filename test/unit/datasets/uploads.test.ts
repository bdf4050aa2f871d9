import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { BUCKET, call, cancelled, dataItem, dynamo, handlerOf, PROJECT_ID, projectItem, resetMocks, s3, setUp, SUB, TABLE, tearDown } from './harness';

const handlers: Record<string, Awaited<ReturnType<typeof handlerOf>>> = {};
beforeAll(async () => {
  await setUp();
  for (const name of ['projects_upload_urls', 'projects_upload_update', 'projects_upload_check', 'projects_delete_images', 'projects_list_data']) {
    handlers[name] = await handlerOf(name);
  }
});
afterAll(tearDown);
beforeEach(() => {
  resetMocks();
  dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}` } }).resolves({ Item: projectItem() });
});

const key = (filename: string) => `${SUB}/${PROJECT_ID}/${filename}`;
const transactions = () => dynamo.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
const counterOf = (items: any[]) => items[items.length - 1].Update;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
/** S3's answer to the ranged GET of an object's first 16 bytes: those bytes, and the whole size in Content-Range. */
const stored = (size: number, head: Buffer = PNG) => async () => ({ Body: sdkStreamMixin(Readable.from([head])), ContentRange: `bytes 0-15/${size}`, ContentLength: 16 });

describe('POST /projects/upload_urls', () => {
  it('gives a presigned POST per file whose policy fixes the project key and type and caps the declared size', async () => {
    const response = await call(handlers.projects_upload_urls!, {
      project_id: PROJECT_ID, ls_object_info: [{ filename: 'a b.JPG', size: 1234 }, { filename: 'c.png', size: 99, content_type: 'image/png' }],
    });
    expect(response.status).toBe(200);
    const [first, second] = response.body.data.items;
    expect(first).toMatchObject({ filename: 'a b.JPG', key: key('a b.JPG'), s3_key: `${BUCKET}/${key('a b.JPG')}`, upload: { method: 'POST', content_type: 'image/jpeg', max_bytes: 1234, expires_in: 900 } });
    const policy = JSON.parse(Buffer.from(second.upload.fields.Policy, 'base64').toString());
    expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', 1, 99], ['eq', '$Content-Type', 'image/png'], { key: key('c.png') }]));
  });

  it.each([
    ['an SVG', [{ filename: 'x.svg', size: 10 }], 415],
    ['a type that contradicts the extension', [{ filename: 'x.png', size: 10, content_type: 'image/jpeg' }], 415],
    ['a name listed twice', [{ filename: 'x.png', size: 10 }, { filename: 'x.png', size: 20 }], 400],
    ['a size over 50 MiB', [{ filename: 'x.png', size: 50 * 1024 * 1024 + 1 }], 400],
    ['101 files', Array.from({ length: 101 }, (_, i) => ({ filename: `${i}.png`, size: 1 })), 400],
  ])('refuses %s', async (_, files, status) => {
    expect((await call(handlers.projects_upload_urls!, { project_id: PROJECT_ID, ls_object_info: files })).status).toBe(status);
  });

  it('answers 404 for a project the caller does not own', async () => {
    dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}` } }).resolves({});
    const response = await call(handlers.projects_upload_urls!, { project_id: PROJECT_ID, ls_object_info: [{ filename: 'x.png', size: 10 }] });
    expect([response.status, response.body.message]).toEqual([404, 'Project not found']);
  });
});

describe('POST /projects/upload_update', () => {
  const object = (filename: string, fields: Record<string, unknown> = {}) => ({ s3_key: `${BUCKET}/${key(filename)}`, filename, hash: 'md5', size: 1, ...fields });
  const register = (objects: unknown[], extra: Record<string, unknown> = {}) =>
    call(handlers.projects_upload_update!, { project_id: PROJECT_ID, project_name: 'birds', ls_object_info: objects, ...extra });

  it('stores S3\'s size (Content-Range of a 16-byte ranged GET), not the client\'s, and ADDs count and size in the same transaction', async () => {
    s3.on(GetObjectCommand, { Key: key('a.png') }).callsFake(stored(4000));
    s3.on(GetObjectCommand, { Key: key('b.png') }).callsFake(stored(6000));
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    dynamo.on(TransactWriteCommand).resolves({});
    const response = await register([object('a.png'), object('b.png', { s3_key: key('b.png') })]);
    expect(response.body.data).toEqual({ created: 2, replaced: 0 });
    const [items] = transactions();
    expect(items!.slice(0, 2).map((i: any) => [i.Put.Item.sk, i.Put.Item.size, i.Put.ConditionExpression])).toEqual([
      ['a.png', 4000, 'attribute_not_exists(pk)'], ['b.png', 6000, 'attribute_not_exists(pk)'],
    ]);
    expect(counterOf(items!)).toMatchObject({
      Key: { pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}` },
      ExpressionAttributeNames: { '#count': 'count_ORIGINAL', '#size': 'size_ORIGINAL' },
      ExpressionAttributeValues: { ':count': 2, ':size': 10000, ':one': 1 },
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting)',
    });
  });

  it('replaces a registered name, moving the size by the difference and guarding the version it read', async () => {
    s3.on(GetObjectCommand).callsFake(stored(150));
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [dataItem('a.png', { size: 100, version: 4 })] } });
    dynamo.on(TransactWriteCommand).resolves({});
    expect((await register([object('a.png', { size_old: 100 })])).body.data).toEqual({ created: 0, replaced: 1 });
    const [items] = transactions();
    expect(items![0]!.Put).toMatchObject({ Item: { size: 150, version: 5 }, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': 4 } });
    expect(counterOf(items!).ExpressionAttributeValues).toMatchObject({ ':count': 0, ':size': 50 });
  });

  it('re-reads and retries when a concurrent change cancels the transaction', async () => {
    s3.on(GetObjectCommand).callsFake(stored(150));
    dynamo.on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [] } })
      .resolves({ Responses: { [TABLE]: [dataItem('a.png', { size: 120, version: 1 })] } });
    dynamo.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed', 'None')).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    expect((await register([object('a.png')])).body.data).toEqual({ created: 0, replaced: 1 });
    const attempts = transactions();
    expect(attempts).toHaveLength(3);
    expect(counterOf(attempts[0]!).ExpressionAttributeValues).toMatchObject({ ':count': 1, ':size': 150 });
    expect(counterOf(attempts[2]!).ExpressionAttributeValues).toMatchObject({ ':count': 0, ':size': 30 });
  });

  it('answers 409 when the project is being deleted meanwhile', async () => {
    s3.on(GetObjectCommand).callsFake(stored(1));
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}` }, ConsistentRead: true })
      .resolvesOnce({ Item: projectItem() }).resolves({ Item: projectItem({ deleting: true }) });
    const response = await register([object('a.png')]);
    expect([response.status, response.body.message]).toEqual([409, 'The project is being deleted']);
  });

  it.each([
    ['another user\'s prefix', `${BUCKET}/sub-bob/${PROJECT_ID}/a.png`],
    ['another project', `${BUCKET}/${SUB}/other_${'b'.repeat(32)}/a.png`],
    ['another bucket', `other-bucket/${key('a.png')}`],
    ['another file name', `${BUCKET}/${key('b.png')}`],
    ['a path that climbs out', `${BUCKET}/${SUB}/${PROJECT_ID}/../x/a.png`],
  ])('refuses an s3_key in %s with 403, registering none of the batch', async (_, foreign) => {
    const response = await register([object('ok.png'), object('a.png', { s3_key: foreign })]);
    expect([response.status, response.body.success]).toEqual([403, false]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses objects that were never uploaded with 400 and registers none', async () => {
    s3.on(GetObjectCommand, { Key: key('a.png') }).callsFake(stored(1));
    s3.on(GetObjectCommand, { Key: key('b.png') }).rejects(Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }));
    const response = await register([object('a.png'), object('b.png')]);
    expect([response.status, response.body.message]).toEqual([400, 'not uploaded yet: b.png']);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses objects that are not images by their bytes with 415, registering none', async () => {
    s3.on(GetObjectCommand, { Key: key('a.png') }).callsFake(stored(10));
    s3.on(GetObjectCommand, { Key: key('b.png') }).callsFake(stored(10, Buffer.from('<html>not a png')));
    const response = await register([object('a.png'), object('b.png')]);
    expect([response.status, response.body.message]).toEqual([415, 'not an image (by its bytes): b.png']);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Range)).toEqual(['bytes=0-15', 'bytes=0-15']);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a project_name that is not the project\'s, and wrong types', async () => {
    expect((await register([object('a.png')], { project_name: 'gulls' })).status).toBe(400);
    expect((await register([object('a.png', { size: '10' })])).status).toBe(400);
    expect((await register([object('a.png', { is_ori: 'yes' })])).status).toBe(400);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('registers generated PREPROCESS/AUGMENT uploads under their group\'s prefix', async () => {
    s3.on(GetObjectCommand).callsFake(stored(7));
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    dynamo.on(TransactWriteCommand).resolves({});
    const response = await register([object('a.png', { s3_key: `${BUCKET}/${SUB}/${PROJECT_ID}/AUGMENT/a.png`, gen_id: 'g1' })], { type_method: 'AUGMENT' });
    expect(response.status).toBe(200);
    expect(transactions()[0]![0]!.Put).toMatchObject({ Item: { pk: `DATA#${PROJECT_ID}#AUGMENT`, is_ori: false, gen_id: 'g1' } });
  });
});

describe('POST /projects/upload_check', () => {
  it('asks BatchGetItem 100 keys at a time, retries unprocessed keys, and answers typed values', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `${i}.png`);
    dynamo.on(BatchGetCommand).callsFake(async (input) => {
      const keys = input.RequestItems[TABLE].Keys as Array<{ sk: string }>;
      const even = keys.filter((k) => Number.parseInt(k.sk, 10) % 2 === 0);
      // The first request leaves its last key unprocessed, as DynamoDB may.
      if (keys.length === 100 && keys[0]!.sk === '0.png') {
        return { Responses: { [TABLE]: even.slice(0, -1).map((k) => ({ filename: k.sk, size: 10 })) }, UnprocessedKeys: { [TABLE]: { Keys: [keys[98]] } } };
      }
      return { Responses: { [TABLE]: even.map((k) => ({ filename: k.sk, size: 10 })) } };
    });
    const response = await call(handlers.projects_upload_check!, { project_id: PROJECT_ID, ls_filename: names });
    const batches = dynamo.commandCalls(BatchGetCommand).map((c) => (c.args[0].input.RequestItems![TABLE]!.Keys as unknown[]).length);
    expect(batches).toEqual([100, 1, 100, 50]);
    expect(response.body.data).toHaveLength(125);
    expect(response.body.data[0]).toEqual({ filename: { S: '0.png' }, size: { N: '10' } });
    expect((await call(handlers.projects_upload_check!, { project_id: PROJECT_ID, ls_filename: Array(1001).fill('a.png') })).status).toBe(400);
  });
});

describe('POST /projects/delete_images', () => {
  it('removes records by their stored sizes, then the objects, and reports unknown names', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [dataItem('a.png', { size: 400, version: 2 }), dataItem('b.png', { size: 600 })] } });
    dynamo.on(TransactWriteCommand).resolves({});
    s3.on(DeleteObjectsCommand).resolves({});
    const response = await call(handlers.projects_delete_images!, {
      project_id: PROJECT_ID, ls_object_info: ['a.png', 'b.png', 'ghost.png'].map((filename) => ({ filename, type_method: 'ORIGINAL', size: 1 })),
    });
    expect(response.body.data).toEqual({
      deleted: [{ filename: 'a.png', type_method: 'ORIGINAL' }, { filename: 'b.png', type_method: 'ORIGINAL' }],
      not_found: [{ filename: 'ghost.png', type_method: 'ORIGINAL' }],
    });
    const [items] = transactions();
    expect(items![0]!.Delete).toMatchObject({ Key: { sk: 'a.png' }, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': 2 } });
    expect(counterOf(items!).ExpressionAttributeValues).toMatchObject({ ':count': -2, ':size': -1000 });
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([{ Key: key('a.png') }, { Key: key('b.png') }]);
  });

  it('writes nothing when no name exists', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    const response = await call(handlers.projects_delete_images!, { project_id: PROJECT_ID, ls_object_info: [{ filename: 'ghost.png', type_method: 'AUGMENT' }] });
    expect(response.body.data).toEqual({ deleted: [], not_found: [{ filename: 'ghost.png', type_method: 'AUGMENT' }] });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});

describe('POST /projects/list_data', () => {
  const page = (names: string[], last?: string) => ({ Items: names.map((n) => dataItem(n)), LastEvaluatedKey: last ? { pk: `DATA#${PROJECT_ID}#ORIGINAL`, sk: last } : undefined });

  it('reads one more than the page to know whether a next page exists, and starts after next_token', async () => {
    dynamo.on(QueryCommand).resolvesOnce(page(['a.png', 'b.png', 'c.png'], 'c.png')).resolvesOnce(page(['c.png']));
    const first = await call(handlers.projects_list_data!, { project_id: PROJECT_ID, type_method: 'ORIGINAL', num_limit: 2, next_token: '' });
    expect(first.body.data).toEqual({
      items: [
        { filename: 'a.png', s3_key: `${BUCKET}/${key('a.png')}`, gen_id: '', classtype: null, size: 100 },
        { filename: 'b.png', s3_key: `${BUCKET}/${key('b.png')}`, gen_id: '', classtype: null, size: 100 },
      ],
      next_token: { filename: 'b.png', project_id: PROJECT_ID },
      next_cursor: expect.any(String),
    });
    const second = await call(handlers.projects_list_data!, { project_id: PROJECT_ID, type_method: 'ORIGINAL', num_limit: 2, next_token: first.body.data.next_token });
    expect([second.body.data.next_token, second.body.data.next_cursor]).toEqual([null, null]);
    // The signed cursor starts the same page as the seed's next_token.
    dynamo.on(QueryCommand).resolvesOnce(page(['c.png']));
    await call(handlers.projects_list_data!, { project_id: PROJECT_ID, type_method: 'ORIGINAL', num_limit: 2, cursor: first.body.data.next_cursor });
    const queries = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    const after = { pk: `DATA#${PROJECT_ID}#ORIGINAL`, sk: 'b.png' };
    expect(queries.map((q) => [q.Limit, q.ExclusiveStartKey])).toEqual([[3, undefined], [3, after], [3, after]]);
    // It opens no other group.
    const foreign = await call(handlers.projects_list_data!, { project_id: PROJECT_ID, type_method: 'AUGMENT', cursor: first.body.data.next_cursor });
    expect([foreign.status, foreign.body.message]).toEqual([400, expect.stringMatching(/cursor is not one this list returned/)]);
  });

  it('refuses num_limit over 500, a next_token of another project, and reads nothing', async () => {
    expect((await call(handlers.projects_list_data!, { project_id: PROJECT_ID, type_method: 'ORIGINAL', num_limit: 501 })).status).toBe(400);
    const forged = await call(handlers.projects_list_data!, { project_id: PROJECT_ID, type_method: 'ORIGINAL', next_token: { filename: 'a', project_id: `other_${'c'.repeat(32)}` } });
    expect([forged.status, forged.body.message]).toEqual([400, 'next_token belongs to another project']);
    expect((await call(handlers.projects_list_data!, { project_id: PROJECT_ID, type_method: 'ORIGINAL', next_token: { filename: 'a', project_id: PROJECT_ID, pk: 'USER#x' } })).status).toBe(400);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
