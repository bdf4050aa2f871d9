/**
 * Every conditional write of every service, refused by DynamoDB for a while (a transaction conflict or
 * a throttle), answers 503 with Retry-After: never 404 or 409, which would tell the client something
 * false about its data ("not friends", "id already taken").
 */
import {
  DynamoDBClient, ProvisionedThroughputExceededException, TransactionCanceledException, TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoChatRepository } from '../../../functions/social/lib/chat/repository';
import { DynamoEventsRepository } from '../../../functions/social/lib/events/repository';
import { DynamoProfilesRepository } from '../../../functions/social/lib/profiles/repository';
import { createProject, markDeleting, updateProject } from '../../../functions/datasets/lib/projects';
import { addTaskProgress, finishTask, setTaskProgress, startTask } from '../../../functions/datasets/lib/tasks';
import { finishGeneration, type GenerationTask } from '../../../functions/datasets/lib/generation';
import { registerData, removeData } from '../../../functions/datasets/lib/data';
import { registerWorker } from '../../../functions/datasets/lib/balancer';
import { VisualRepository } from '../../../functions/visual/lib/repository';
import { PhotosRepository } from '../../../functions/photos/lib/records';
import { ImagesRepository } from '../../../functions/images/lib/records';
import { takeAttempt } from '@darkroom/accounts';
import { dynamoRevocationStore } from '../../../layers/runtime/src/revocations';
import { conditionFailed, transactWrite } from '../../../layers/runtime/src/dynamodb';

const dynamo = mockClient(DynamoDBDocumentClient);
const ec2 = mockClient(EC2Client);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const TABLE = 'darkroom-test';

const $metadata = {};

const transient = {
  'a transaction conflict': {
    single: () => new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata }),
    transaction: () => new TransactionCanceledException({
      message: 'Transaction cancelled [TransactionConflict, None]', $metadata,
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }],
    }),
  },
  'a throttle': {
    single: () => new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput', $metadata }),
    transaction: () => new TransactionCanceledException({
      message: 'Transaction cancelled [ThrottlingError, None]', $metadata,
      CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }],
    }),
  },
};

/** An item every read finds: fields enough for each service's "it exists" checks. */
const found = {
  pk: 'PK', sk: 'SK', id: 'e1', project_id: 'p1', project_name: 'birds', identity_id: 'sub-1', description: '', filename: 'a.png',
  version: 1, size: 3, task_id: 't1', kind: 'generation', status: 'RUNNING', file_count: 1, email: 'a@example.com', jobID: 'j1',
};

const profiles = new DynamoProfilesRepository(doc, TABLE);
const events = new DynamoEventsRepository(doc, TABLE);
const chat = new DynamoChatRepository(doc, TABLE);
const table = { doc, tableName: TABLE };
const owner = { sub: 'sub-1' };
const visual = new VisualRepository(doc, TABLE);
const task = { ...found, task_id: 't1', project_id: 'p1', kind: 'generation' as const, exclusive: true, process_type: 'AUGMENT' } as unknown as GenerationTask;
const at = '2026-12-07T10:00:00.000Z';
const member = { event_id: 'e1', user: 'u2', role: 'guest' as const, status: 'invited' as const, updated_at: at };
const event = {
  id: 'e1', name: 'n', description: '', owner: 'u1', single_event: true, weight: 3, google: false, time_zone: 'UTC',
  start: 1, end: 2, accepted: ['u1'], invited: [], created_at: at,
};

const paths: Record<string, () => Promise<unknown>> = {
  'social createProfile': () => profiles.createProfile({ id: 'u1', username: 'u', email: 'u@example.com', time_zone: 'UTC', created_at: at }),
  'social setProfileLocation': () => profiles.setProfileLocation('u1', { latitude: 1, longitude: 2, updated_at: at }),
  'social putRequest': () => profiles.putRequest({ from: 'u1', to: 'u2', created_at: at }),
  'social deleteRequest (decline)': () => profiles.deleteRequest('u2', 'u1'),
  'social befriend (accept)': () => profiles.befriend('u2', 'u1', at, { to: 'u2', from: 'u1' }),
  'social unfriend': () => profiles.unfriend('u1', 'u2'),
  'social createEvent': () => events.createEvent(event, { ...member, user: 'u1', role: 'owner', status: 'accepted' }),
  'social addMembers (invite)': () => events.addMembers([member]),
  'social setMemberStatus (answer)': () => events.setMemberStatus('e1', 'u2', 'accepted', at),
  'social removeMember': () => events.removeMember('e1', 'u2'),
  'social setEventLocation': () => events.setEventLocation('e1', { latitude: 1, longitude: 2, updated_at: at }),
  'social putMessage': () => chat.putMessage('e1', { id: 'm1', sender: 'u1', message: 'hi', sent_at: at }),
  'datasets createProject': () => createProject(table, owner, { projectName: 'birds', bucket: 'b', isSample: true, identityId: 'us-east-1:0000' }),
  'datasets updateProject (rename)': () => updateProject(table, owner, 'birds', { newProjectName: 'owls' }),
  'datasets updateProject (description)': () => updateProject(table, owner, 'birds', { newDescription: 'new' }),
  'datasets markDeleting': () => markDeleting(table, owner, 'p1', true),
  'datasets startTask': () => startTask(table, { kind: 'export', owner, project: { project_id: 'p1', project_name: 'birds' }, total: 1, exclusive: true }),
  'datasets finishTask': () => finishTask(table, task, 'FINISH'),
  'datasets finishGeneration': () => finishGeneration(table, task, 'FINISH', {}, [1, 0, 0]),
  'datasets addTaskProgress': () => addTaskProgress(table, 't1', 1),
  'datasets setTaskProgress': () => setTaskProgress(table, 't1', 1),
  'datasets registerData': () => registerData(table, { owner, projectId: 'p1' }, 'ORIGINAL', [{ filename: 'a.png', key: 'k', size: 3, hash: 'h' }]),
  'datasets removeData': () => removeData(table, { owner, projectId: 'p1' }, 'ORIGINAL', ['a.png']),
  'datasets registerWorker (balancer)': () => registerWorker({ ec2: new EC2Client({ region: 'eu-west-1' }), doc, tableName: TABLE, workerTag: { key: 'role', value: 'worker' } }, 'sub-9'),
  'visual createJob': () => visual.createJob({ jobID: 'j1' } as never, { fileIdx: 0 } as never),
  'visual addFile': () => visual.addFile({ ...found, pk: 'JOB#j1' } as never, { fileIdx: 1 } as never),
  'visual updateFile': () => visual.updateFile('j1', 0, { status: 'queued' }),
  'visual countCodeAttempt': () => visual.countCodeAttempt('j1'),
  'visual markVerified': () => visual.markVerified('j1', 'hash'),
  'visual changeEmail': () => visual.changeEmail('j1', 'b@example.com', 'hash', 1),
  'visual transition': () => visual.transition('j1', 'created', 'submitted'),
  'visual finishFile': () => visual.finishFile('j1', 0, 'queued', { status: 'done', findings: [] }),
  'visual claimResultsMail': () => visual.claimResultsMail('j1', 'a@example.com'),
  'photos complete': () => new PhotosRepository(doc, TABLE).complete('sub-1', 'a.png', { status: 'ready' }),
  'images markReady': () => new ImagesRepository(doc, TABLE).markFailed('sub-1', 'i1', 'not an image'),
  'auth takeAttempt (rate limit)': () => takeAttempt({ dynamo: doc, authTable: TABLE }, { name: 'login', max: 5, windowSeconds: 60, message: 'slow down' } as never, 'ip'),
  'runtime revocation revoke': () => dynamoRevocationStore(doc, TABLE).revoke('sub-1'),
};

describe.each(Object.entries(transient))('%s on a conditional write', (_, errors) => {
  beforeEach(() => {
    dynamo.reset();
    ec2.reset();
    dynamo.on(GetCommand).resolves({ Item: { ...found } });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(BatchGetCommand).callsFake((input) => ({ Responses: { [Object.keys(input.RequestItems)[0]!]: [{ ...found }] } }));
    for (const command of [PutCommand, UpdateCommand, DeleteCommand]) dynamo.on(command as never).rejects(errors.single());
    dynamo.on(TransactWriteCommand).callsFake(() => { throw errors.transaction(); });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-1', State: { Name: 'running' } }, { InstanceId: 'i-2', State: { Name: 'running' } }] }] });
    // A balancer user without an assignment yet.
    dynamo.on(GetCommand, { Key: { pk: 'USER#sub-9', sk: 'ASSIGNMENT' } }).resolves({});
  });

  it.each(Object.keys(paths))('%s answers 503 with Retry-After, never 404 or 409', async (path) => {
    const error = await paths[path]!().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 503, expose: true, headers: { 'Retry-After': '1' } });
  });
});

describe('conditionFailed', () => {
  beforeEach(() => dynamo.reset());

  it('finds the failed condition by the action\'s name, whatever its position', async () => {
    dynamo.on(TransactWriteCommand).callsFake(() => {
      throw new TransactionCanceledException({ message: 'cancelled', $metadata, CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
    });
    const put = (sk: string) => ({ Put: { TableName: TABLE, Item: { pk: 'p', sk }, ConditionExpression: 'attribute_not_exists(pk)' } });
    // `skipped` is left out, so `lock` is the second action sent.
    const error = await transactWrite(doc, { task: put('task'), skipped: false, lock: put('lock') }).catch((e: unknown) => e);
    expect([conditionFailed(error, 'task'), conditionFailed(error, 'lock'), conditionFailed(error, 'skipped'), conditionFailed(error)]).toEqual([false, true, false, true]);
  });

  it('is false for other errors, which the caller rethrows', () => {
    expect(conditionFailed(new Error('boom'))).toBe(false);
    expect(conditionFailed(Object.assign(new Error('bad'), { name: 'ValidationException' }))).toBe(false);
  });
});
