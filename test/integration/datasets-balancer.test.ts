/**
 * The EC2 balancer through the local stack: the real client-ec2 against the fake EC2 (two workers
 * tagged darkroom:role=worker; the lowest id is the shared default), assignments in DynamoDB Local.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { api, clients, newUser, stack, type TestUser } from '../support/stack';

const call = (user: TestUser | undefined, path: string, body: Record<string, unknown> = {}) => api(path, { body: user ? { id_token: user.idToken, ...body } : body });
const table = () => stack().resources['table:balancer']!;
const assignment = async (user: TestUser) => (await clients().dynamo.send(new GetCommand({ TableName: table(), Key: { pk: `USER#${user.sub}`, sk: 'ASSIGNMENT' }, ConsistentRead: true }))).Item;
const state = async (instanceId: string) => {
  const { Reservations = [] } = await clients().ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return Reservations[0]!.Instances![0]!.State!.Name;
};
const ok = { data: null, error: false, success: true, message: null };

let ada: TestUser; let bob: TestUser; let eve: TestUser; let zed: TestUser;
beforeAll(async () => { [ada, bob, eve, zed] = await Promise.all([newUser('bal-ada'), newUser('bal-bob'), newUser('bal-eve'), newUser('bal-zed')]); });

describe('balancer', () => {
  let own: TestUser; let sharer: TestUser; let ownInstance: string; let defaultInstance: string;

  it('gives the one free worker to exactly one of two concurrent registrations; the other shares the default', async () => {
    const responses = await Promise.all([call(ada, '/balancer/register_ec2'), call(bob, '/balancer/register_ec2')]);
    for (const r of responses) expect([r.status, r.body]).toEqual([200, ok]);
    const [a, b] = [await assignment(ada), await assignment(bob)];
    expect([a!.shared, b!.shared].sort()).toEqual([false, true]);
    [own, sharer] = a!.shared ? [bob, ada] : [ada, bob];
    ownInstance = (a!.shared ? b : a)!.instance_id;
    defaultInstance = (a!.shared ? a : b)!.instance_id;
    expect(ownInstance).not.toBe(defaultInstance);
    // Registering again keeps the first assignment.
    await call(own, '/balancer/register_ec2');
    expect((await assignment(own))!.instance_id).toBe(ownInstance);
    expect((await call(eve, '/balancer/register_ec2')).status).toBe(200);
    expect(await assignment(eve)).toMatchObject({ instance_id: defaultInstance, shared: true });
  });

  it('starts and stops the caller\'s worker with client-ec2, idempotently', async () => {
    expect((await call(own, '/balancer/receiver', { action: 'STOP' })).body).toEqual(ok);
    expect(await state(ownInstance)).toBe('stopped');
    expect((await call(own, '/balancer/receiver', { action: 'STOP' })).status).toBe(200);
    expect((await call(own, '/balancer/receiver')).body).toEqual(ok); // START is the default
    expect(await state(ownInstance)).toBe('running');
    expect((await call(own, '/balancer/receiver', { action: 'START' })).status).toBe(200);
    expect(await state(ownInstance)).toBe('running');
  });

  it('refuses to stop the shared default worker while others use it, a caller without a worker, and bad input', async () => {
    const shared = await call(sharer, '/balancer/receiver', { action: 'STOP' });
    expect(shared).toMatchObject({ status: 409, body: { data: null, error: true, success: false, message: expect.stringMatching(/shared worker.*other user/) } });
    expect(await state(defaultInstance)).toBe('running');
    const none = await call(zed, '/balancer/receiver', { action: 'START' });
    expect(none).toMatchObject({ status: 409, body: { message: expect.stringMatching(/register_ec2/) } });
    expect((await call(zed, '/balancer/receiver', { action: 'RESTART' })).status).toBe(400);
    expect((await call(undefined, '/balancer/register_ec2')).status).toBe(401);
  });

  it('the scheduled idle stop stops workers unused for longer than the limit, and leaves the others', async () => {
    // Both workers run; the own one was used just now (START above). Age the default one: launched
    // and last used two hours ago.
    const file = join((stack() as unknown as { dataDir: string }).dataDir, 'ec2.json'); // the fake EC2's state (start.ts writes dataDir to the ready file)
    const instances = JSON.parse(readFileSync(file, 'utf8')) as Array<{ instanceId: string; launchTime: string }>;
    const old = new Date(Date.now() - 2 * 3600_000).toISOString();
    for (const i of instances) i.launchTime = old;
    writeFileSync(file, JSON.stringify(instances, null, 2));
    await clients().dynamo.send(new PutCommand({ TableName: table(), Item: { pk: `INSTANCE#${defaultInstance}`, sk: 'ACTIVITY', last_active_at: old } }));
    const response = await fetch(`${stack().api}/_local/schedule/datasets-balancer-idle-stop`, { method: 'POST' });
    const run = await response.json() as { result: { checked: number; stopped: string[] }; error?: string };
    expect([response.status, run.error]).toEqual([200, undefined]);
    expect(run.result).toEqual({ checked: 2, stopped: [defaultInstance] });
    expect([await state(defaultInstance), await state(ownInstance)]).toEqual(['stopped', 'running']);
  });
});
