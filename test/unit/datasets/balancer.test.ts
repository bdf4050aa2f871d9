import { DescribeInstancesCommand, EC2Client, StartInstancesCommand, StopInstancesCommand, type InstanceStateName } from '@aws-sdk/client-ec2';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { operateWorker, registerWorker, stopIdleWorkers, type BalancerDeps } from '../../../functions/datasets/lib/balancer';
import { httpEvent, lambdaContext } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';

const ec2 = mockClient(EC2Client);
const doc = mockClient(DynamoDBDocumentClient);
const deps: BalancerDeps = {
  ec2: new EC2Client({ region: 'us-east-1' }), doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  tableName: 'darkroom-balancer', workerTag: { key: 'darkroom:role', value: 'worker' },
};
const instance = (id: string, state: string, extra: Record<string, unknown> = {}) => ({ InstanceId: id, State: { Name: state as InstanceStateName }, LaunchTime: new Date('2026-01-01T00:00:00Z'), Tags: [{ Key: 'darkroom:role', Value: 'worker' }], ...extra });
const fleet = (...instances: ReturnType<typeof instance>[]) => ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: instances }] });
const cancelled = (...codes: string[]) => new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

beforeEach(() => {
  ec2.reset(); doc.reset();
  doc.on(GetCommand).resolves({});
  doc.on(UpdateCommand).resolves({});
  doc.on(QueryCommand).resolves({ Items: [] });
});

describe('registerWorker', () => {
  it('claims the first free worker (not the default, the lowest id) with conditional writes, asking EC2 only for tagged live workers', async () => {
    fleet(instance('i-3', 'stopped'), instance('i-1', 'running'), instance('i-2', 'stopped'));
    doc.on(TransactWriteCommand).resolves({});
    expect(await registerWorker(deps, 'ada')).toMatchObject({ instance_id: 'i-2', shared: false });
    const filters = ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters;
    expect(filters).toEqual(expect.arrayContaining([{ Name: 'tag:darkroom:role', Values: ['worker'] }]));
    const items = doc.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => [i.Put!.Item!.pk, i.Put!.Item!.sk, i.Put!.ConditionExpression])).toEqual([
      ['USER#ada', 'ASSIGNMENT', 'attribute_not_exists(pk)'], ['INSTANCE#i-2', 'CLAIM', 'attribute_not_exists(pk)'], ['INSTANCE#i-2', 'USER#ada', undefined],
    ]);
  });

  it('moves on when a worker was claimed by someone else, and shares the default when none is left', async () => {
    fleet(instance('i-1', 'running'), instance('i-2', 'stopped'), instance('i-3', 'stopped'));
    doc.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ConditionalCheckFailed', 'None')).rejectsOnce(cancelled('None', 'ConditionalCheckFailed', 'None')).resolves({});
    expect(await registerWorker(deps, 'bob')).toMatchObject({ instance_id: 'i-1', shared: true });
    expect(doc.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('uses the worker tagged darkroom:default=true as the shared one', async () => {
    fleet(instance('i-1', 'running'), instance('i-9', 'running', { Tags: [{ Key: 'darkroom:role', Value: 'worker' }, { Key: 'darkroom:default', Value: 'true' }] }));
    doc.on(TransactWriteCommand).resolves({});
    expect(await registerWorker(deps, 'ada')).toMatchObject({ instance_id: 'i-1', shared: false });
  });

  it('keeps the first assignment: a registered user is answered without writing', async () => {
    doc.on(GetCommand).resolves({ Item: { instance_id: 'i-7', shared: false, assigned_at: 'x' } });
    expect(await registerWorker(deps, 'ada')).toMatchObject({ instance_id: 'i-7' });
    expect(doc.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });

  it('refuses (409) when the fleet is empty', async () => {
    fleet();
    await expect(registerWorker(deps, 'ada')).rejects.toMatchObject({ statusCode: 409 });
  });
});

describe('operateWorker', () => {
  const assigned = (instanceId: string, shared = false) => doc.on(GetCommand).resolves({ Item: { instance_id: instanceId, shared, assigned_at: 'x' } });

  it('409 when the caller has no worker', async () => {
    await expect(operateWorker(deps, 'ada', 'START')).rejects.toMatchObject({ statusCode: 409, message: expect.stringMatching(/register_ec2/) });
  });

  it('starts a stopped worker, and does not start a running one again', async () => {
    assigned('i-2');
    fleet(instance('i-2', 'stopped'));
    ec2.on(StartInstancesCommand).resolves({ StartingInstances: [{ CurrentState: { Name: 'pending' } }] });
    expect(await operateWorker(deps, 'ada', 'START')).toMatchObject({ previous_state: 'stopped', state: 'pending' });
    expect(ec2.commandCalls(StartInstancesCommand)[0]!.args[0].input.InstanceIds).toEqual(['i-2']);
    fleet(instance('i-2', 'running'));
    expect(await operateWorker(deps, 'ada', 'START')).toMatchObject({ state: 'running' });
    expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(1);
    expect(doc.commandCalls(UpdateCommand)[0]!.args[0].input.Key).toEqual({ pk: 'INSTANCE#i-2', sk: 'ACTIVITY' });
  });

  it('stops an own worker, idempotently; refuses to stop a shared worker other users are on', async () => {
    assigned('i-2');
    fleet(instance('i-2', 'running'));
    ec2.on(StopInstancesCommand).resolves({ StoppingInstances: [{ CurrentState: { Name: 'stopping' } }] });
    expect(await operateWorker(deps, 'ada', 'STOP')).toMatchObject({ state: 'stopping' });
    fleet(instance('i-2', 'stopped'));
    expect(await operateWorker(deps, 'ada', 'STOP')).toMatchObject({ state: 'stopped' });
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(1);
    assigned('i-1', true);
    fleet(instance('i-1', 'running'));
    doc.on(QueryCommand).resolves({ Items: [{ sub: 'ada' }, { sub: 'bob' }] });
    await expect(operateWorker(deps, 'ada', 'STOP')).rejects.toMatchObject({ statusCode: 409, message: expect.stringMatching(/1 other user/) });
    doc.on(QueryCommand).resolves({ Items: [{ sub: 'ada' }] });
    expect(await operateWorker(deps, 'ada', 'STOP')).toMatchObject({ state: 'stopping' });
  });

  it('409 while the worker is stopping, and when it no longer exists', async () => {
    assigned('i-2');
    fleet(instance('i-2', 'stopping'));
    await expect(operateWorker(deps, 'ada', 'START')).rejects.toMatchObject({ statusCode: 409, message: expect.stringMatching(/stopping/) });
    fleet();
    await expect(operateWorker(deps, 'ada', 'START')).rejects.toMatchObject({ statusCode: 409, message: expect.stringMatching(/no longer exists/) });
  });
});

describe('stopIdleWorkers', () => {
  it('stops running workers whose last use (or launch) is older than the limit, and only those', async () => {
    const now = new Date('2026-12-01T12:00:00Z');
    fleet(instance('i-1', 'running', { LaunchTime: new Date('2026-12-01T11:50:00Z') }), instance('i-2', 'running'), instance('i-3', 'running'));
    doc.on(GetCommand, { Key: { pk: 'INSTANCE#i-2', sk: 'ACTIVITY' } }).resolves({ Item: { last_active_at: '2026-12-01T11:30:00Z' } });
    doc.on(GetCommand, { Key: { pk: 'INSTANCE#i-3', sk: 'ACTIVITY' } }).resolves({ Item: { last_active_at: '2026-12-01T10:30:00Z' } });
    ec2.on(StopInstancesCommand).resolves({});
    expect(await stopIdleWorkers(deps, 60, now)).toEqual({ checked: 3, stopped: ['i-3'] });
    expect(ec2.commandCalls(StopInstancesCommand)[0]!.args[0].input.InstanceIds).toEqual(['i-3']);
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters).toEqual(expect.arrayContaining([{ Name: 'instance-state-name', Values: ['running'] }]));
  });

  it('stops nothing when every worker is busy', async () => {
    fleet(instance('i-1', 'running', { LaunchTime: new Date() }));
    expect(await stopIdleWorkers(deps, 60)).toEqual({ checked: 1, stopped: [] });
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
  });
});

describe('balancer handlers', () => {
  let issuer: TestIssuer;
  type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
  const handlers: Record<string, Handler> = {};
  beforeAll(async () => {
    issuer = await startTestIssuer();
    process.env.JWT_ISSUER = issuer.issuer;
    process.env.JWKS_URI = issuer.jwksUri;
    for (const name of ['balancer_register_ec2', 'balancer_receiver']) handlers[name] = (await import(`../../../functions/datasets/${name}/handler`)).handler as Handler;
  });
  afterAll(() => issuer.close());
  const call = async (name: string, body: Record<string, unknown>) => {
    const response = await handlers[name]!(httpEvent({ body }), lambdaContext());
    return { status: response.statusCode, body: JSON.parse(response.body) };
  };

  it('register_ec2 takes the seed\'s id_token body field and answers data null', async () => {
    fleet(instance('i-1', 'running'), instance('i-2', 'stopped'));
    doc.on(TransactWriteCommand).resolves({});
    expect(await call('balancer_register_ec2', { id_token: issuer.idToken('sub-1') })).toEqual({ status: 200, body: { data: null, error: false, success: true, message: null } });
    expect((await call('balancer_register_ec2', {})).status).toBe(401);
  });

  it('receiver defaults to START, refuses an unknown action (400) and a user without a worker (409)', async () => {
    expect((await call('balancer_receiver', { id_token: issuer.idToken('sub-1'), action: 'REBOOT' })).status).toBe(400);
    const none = await call('balancer_receiver', { id_token: issuer.idToken('sub-1') });
    expect(none).toMatchObject({ status: 409, body: { data: null, error: true, success: false, message: expect.stringMatching(/register_ec2/) } });
    doc.on(GetCommand, { TableName: 'darkroom-balancer' }).resolves({ Item: { instance_id: 'i-2', shared: false } });
    fleet(instance('i-2', 'stopped'));
    ec2.on(StartInstancesCommand).resolves({});
    expect((await call('balancer_receiver', { id_token: issuer.idToken('sub-1') })).status).toBe(200);
    expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(1);
  });
});
