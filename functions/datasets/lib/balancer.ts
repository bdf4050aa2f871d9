/**
 * The EC2 balancer (seed 003 "Load Balancer API"): worker instances are the EC2 instances tagged
 * `darkroom:role=worker`; each user is assigned one, exclusively while free ones last, else the shared
 * default worker. Assignments live in the balancer table:
 *
 * | item | pk | sk |
 * |---|---|---|
 * | exclusive claim of a worker | `INSTANCE#<id>` | `CLAIM` (`sub`) |
 * | a user on a worker (exclusive or shared) | `INSTANCE#<id>` | `USER#<sub>` |
 * | a user's assignment | `USER#<sub>` | `ASSIGNMENT` (`instance_id`, `shared`) |
 * | last START/STOP through the balancer | `INSTANCE#<id>` | `ACTIVITY` (`last_active_at`) |
 *
 * Claims and assignments are written in one transaction with attribute_not_exists conditions, so two
 * users never get the same free worker, and a user's first assignment is the one that stays.
 */
import {
  DescribeInstancesCommand, StartInstancesCommand, StopInstancesCommand, type EC2Client, type Instance,
} from '@aws-sdk/client-ec2';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoff, conditionFailed, conflict, isTransient, logger, metrics, MetricUnit, transactWrite } from '@darkroom/runtime';

/** What the balancer functions need. */
export interface BalancerDeps {
  ec2: EC2Client;
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** The tag that marks a worker (Terraform's balancer module: `darkroom:role` = `worker`). */
  workerTag: { key: string; value: string };
}

/** A worker instance as the balancer sees it. */
export interface Worker { instanceId: string; state: string; launchTime?: Date; isDefault: boolean }

/** A user's assignment. */
export interface Assignment { instance_id: string; shared: boolean; assigned_at: string }

/** The tag that names the shared default worker explicitly (`darkroom:default` = `true`); else the lowest instance id is it. */
export const DEFAULT_TAG = 'darkroom:default';
/** States in which an instance can still be started or stopped. */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

const userKey = (sub: string) => ({ pk: `USER#${sub}`, sk: 'ASSIGNMENT' });
const claimKey = (instanceId: string) => ({ pk: `INSTANCE#${instanceId}`, sk: 'CLAIM' });
const memberKey = (instanceId: string, sub: string) => ({ pk: `INSTANCE#${instanceId}`, sk: `USER#${sub}` });
const activityKey = (instanceId: string) => ({ pk: `INSTANCE#${instanceId}`, sk: 'ACTIVITY' });

/**
 * The worker fleet: every live instance with the worker tag (DescribeInstances, all pages), sorted by
 * id; the default is the one tagged {@link DEFAULT_TAG}=true, else the first.
 */
export async function listWorkers(deps: BalancerDeps, filters: Array<{ Name: string; Values: string[] }> = []): Promise<Worker[]> {
  const instances: Instance[] = [];
  let token: string | undefined;
  do {
    const page = await deps.ec2.send(new DescribeInstancesCommand({
      Filters: [{ Name: `tag:${deps.workerTag.key}`, Values: [deps.workerTag.value] }, { Name: 'instance-state-name', Values: LIVE_STATES }, ...filters],
      NextToken: token,
    }));
    for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    token = page.NextToken;
  } while (token);
  const sorted = instances.filter((i) => i.InstanceId).sort((a, b) => a.InstanceId!.localeCompare(b.InstanceId!));
  const tagged = sorted.find((i) => i.Tags?.some((t) => t.Key === DEFAULT_TAG && t.Value === 'true'));
  const defaultId = (tagged ?? sorted[0])?.InstanceId;
  return sorted.map((i) => ({ instanceId: i.InstanceId!, state: i.State?.Name ?? 'unknown', launchTime: i.LaunchTime, isDefault: i.InstanceId === defaultId }));
}

/** @returns the user's assignment, or undefined */
export async function getAssignment(deps: BalancerDeps, sub: string): Promise<Assignment | undefined> {
  const { Item } = await deps.doc.send(new GetCommand({ TableName: deps.tableName, Key: userKey(sub), ConsistentRead: true }));
  return Item as Assignment | undefined;
}

/**
 * POST /balancer/register_ec2: assigns the caller a free worker, or the shared default worker when
 * none is free (seed 003's rule). Registering again keeps the first assignment.
 * @returns the assignment (new or existing)
 * @throws 409 when the fleet has no worker at all
 */
export async function registerWorker(deps: BalancerDeps, sub: string): Promise<Assignment> {
  const existing = await getAssignment(deps, sub);
  if (existing) return existing;
  const workers = await listWorkers(deps);
  const fallback = workers.find((w) => w.isDefault);
  if (!fallback) throw conflict('No worker instance exists: the balancer has nothing to assign');
  const now = new Date().toISOString();
  for (const worker of workers.filter((w) => !w.isDefault)) {
    const assignment: Assignment = { instance_id: worker.instanceId, shared: false, assigned_at: now };
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await transactWrite(deps.doc, {
          assignment: { Put: { TableName: deps.tableName, Item: { ...userKey(sub), ...assignment }, ConditionExpression: 'attribute_not_exists(pk)' } },
          claim: { Put: { TableName: deps.tableName, Item: { ...claimKey(worker.instanceId), sub, claimed_at: now }, ConditionExpression: 'attribute_not_exists(pk)' } },
          member: { Put: { TableName: deps.tableName, Item: { ...memberKey(worker.instanceId, sub), sub, shared: false, assigned_at: now } } },
        });
        metrics.addMetric('WorkersAssigned', MetricUnit.Count, 1);
        return assignment;
      } catch (error) {
        // A concurrent claim of this worker: look again, unless this was the last try (then 503).
        if (isTransient(error) && attempt < 3) { await backoff(attempt, { baseMs: 50 }); continue; }
        if (conditionFailed(error, 'assignment')) return (await getAssignment(deps, sub))!; // a concurrent registration of this user won
        if (conditionFailed(error, 'claim')) break; // the worker is someone else's: try the next one
        throw error;
      }
    }
  }
  const shared: Assignment = { instance_id: fallback.instanceId, shared: true, assigned_at: now };
  try {
    await transactWrite(deps.doc, {
      assignment: { Put: { TableName: deps.tableName, Item: { ...userKey(sub), ...shared }, ConditionExpression: 'attribute_not_exists(pk)' } },
      member: { Put: { TableName: deps.tableName, Item: { ...memberKey(fallback.instanceId, sub), sub, shared: true, assigned_at: now } } },
    });
  } catch (error) {
    if (conditionFailed(error, 'assignment')) return (await getAssignment(deps, sub))!;
    throw error;
  }
  metrics.addMetric('WorkersShared', MetricUnit.Count, 1);
  return shared;
}

/** Users assigned to a worker, besides `except`. */
async function otherUsers(deps: BalancerDeps, instanceId: string, except: string): Promise<string[]> {
  const { Items = [] } = await deps.doc.send(new QueryCommand({
    TableName: deps.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :user)',
    ExpressionAttributeValues: { ':pk': `INSTANCE#${instanceId}`, ':user': 'USER#' }, ConsistentRead: true,
  }));
  return Items.map((i) => i.sub as string).filter((s) => s !== except);
}

/** What /balancer/receiver did. */
export interface ReceiverResult { instance_id: string; action: 'START' | 'STOP'; previous_state: string; state: string }

/**
 * POST /balancer/receiver: starts (default) or stops the caller's worker with StartInstances /
 * StopInstances; idempotent (a running worker is not started again, a stopped one not stopped).
 * @throws 409 when the caller has no worker (register first), the worker is gone or mid-transition,
 *   or STOP is asked of the shared default worker while other users are assigned to it
 */
export async function operateWorker(deps: BalancerDeps, sub: string, action: 'START' | 'STOP'): Promise<ReceiverResult> {
  const assignment = await getAssignment(deps, sub);
  if (!assignment) throw conflict('No worker instance is assigned to you: call /balancer/register_ec2 first');
  const [worker] = await listWorkers(deps, [{ Name: 'instance-id', Values: [assignment.instance_id] }]);
  if (!worker) throw conflict(`Your worker instance ${assignment.instance_id} no longer exists: ask an administrator`);
  const result = { instance_id: worker.instanceId, action, previous_state: worker.state };
  if (action === 'START') {
    await touch(deps, worker.instanceId);
    if (worker.state === 'running' || worker.state === 'pending') return { ...result, state: worker.state };
    if (worker.state === 'stopping') throw conflict(`Your worker instance ${worker.instanceId} is stopping: try again in a minute`);
    const { StartingInstances = [] } = await deps.ec2.send(new StartInstancesCommand({ InstanceIds: [worker.instanceId] }));
    metrics.addMetric('WorkersStarted', MetricUnit.Count, 1);
    return { ...result, state: StartingInstances[0]?.CurrentState?.Name ?? 'pending' };
  }
  if (worker.state === 'stopped' || worker.state === 'stopping') return { ...result, state: worker.state };
  if (assignment.shared || worker.isDefault) {
    const others = await otherUsers(deps, worker.instanceId, sub);
    if (others.length) throw conflict(`The shared worker instance ${worker.instanceId} serves ${others.length} other user(s): it is not stopped (it stops itself when idle)`);
  }
  const { StoppingInstances = [] } = await deps.ec2.send(new StopInstancesCommand({ InstanceIds: [worker.instanceId] }));
  await touch(deps, worker.instanceId);
  metrics.addMetric('WorkersStopped', MetricUnit.Count, 1);
  return { ...result, state: StoppingInstances[0]?.CurrentState?.Name ?? 'stopping' };
}

/** Records that the worker was used through the balancer now (the idle stop counts from the latest use). */
async function touch(deps: BalancerDeps, instanceId: string, at = new Date()): Promise<void> {
  await deps.doc.send(new UpdateCommand({
    TableName: deps.tableName, Key: activityKey(instanceId), UpdateExpression: 'SET last_active_at = :at, instance_id = :id',
    ExpressionAttributeValues: { ':at': at.toISOString(), ':id': instanceId },
  }));
}

/** What one idle-stop run did. */
export interface IdleStopResult { checked: number; stopped: string[] }

/**
 * The scheduled idle stop: stops every running worker whose last use through the balancer (or, never
 * used, its launch) is older than `idleMinutes`. The cost control of a fleet that users start by hand.
 */
export async function stopIdleWorkers(deps: BalancerDeps, idleMinutes: number, now = new Date()): Promise<IdleStopResult> {
  const running = await listWorkers(deps, [{ Name: 'instance-state-name', Values: ['running'] }]);
  const idle: string[] = [];
  for (const worker of running) {
    const { Item } = await deps.doc.send(new GetCommand({ TableName: deps.tableName, Key: activityKey(worker.instanceId), ConsistentRead: true }));
    const last = Math.max(Item?.last_active_at ? Date.parse(Item.last_active_at as string) : 0, worker.launchTime?.getTime() ?? 0);
    if (now.getTime() - last > idleMinutes * 60_000) idle.push(worker.instanceId);
  }
  if (idle.length) {
    await deps.ec2.send(new StopInstancesCommand({ InstanceIds: idle }));
    metrics.addMetric('IdleWorkersStopped', MetricUnit.Count, idle.length);
  }
  logger.info('idle worker stop', { checked: running.length, stopped: idle, idleMinutes });
  return { checked: running.length, stopped: idle };
}
