import { randomBytes } from 'node:crypto';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '@darkroom/runtime';
import { TASK_TTL } from './limits';
import {
  ACTIVE_TASK_STATUSES, lockKey, projectKey, projectTaskKey, runningPartition, runningKey, taskKey,
  type ProjectRecord, type TaskKind, type TaskRecord, type TaskStatus,
} from './model';
import { projectConditionError, type Owner } from './projects';
import { cancellationCodes, queryAll, type DatasetsTable } from './table';

/** A task id: 32 hex characters, as seed 003's examples show. */
export const newTaskId = (): string => randomBytes(16).toString('hex');

/** Options of {@link startTask}. */
export interface NewTask {
  kind: TaskKind;
  owner: Owner;
  project: Pick<ProjectRecord, 'project_id' | 'project_name'> & { s3_prefix?: string };
  /** Units of work (images), the `total` of done/total. */
  total: number;
  /** Default RUNNING. */
  status?: Extract<TaskStatus, 'PENDING' | 'RUNNING'>;
  /** At most one active task of this kind per project: a lock item taken with attribute_not_exists. */
  exclusive?: boolean;
  /** Kind-specific attributes stored on the task (down_type, ls_method_id, ...). */
  fields?: Record<string, unknown>;
  taskId?: string;
}

/**
 * Starts a task on a project in one transaction: the task item, its running marker (what
 * {@link countRunningTasks} counts), its entry in the project's task index (what a project's deletion
 * removes), optionally the kind's lock, and a condition that the project exists
 * and is not being deleted, so a task can never start on a project `/projects/delete` is removing.
 * @returns the stored task
 * @throws 404 when the project is gone; 409 while it is being deleted, or when `exclusive` and a task
 *   of the kind is already running on the project
 */
export async function startTask(table: DatasetsTable, task: NewTask): Promise<TaskRecord> {
  const now = new Date();
  const taskId = task.taskId ?? newTaskId();
  const expiresAt = Math.floor(now.getTime() / 1000) + TASK_TTL;
  const record: TaskRecord = {
    ...task.fields,
    ...taskKey(taskId),
    task_id: taskId, kind: task.kind, identity_id: task.owner.sub,
    project_id: task.project.project_id, project_name: task.project.project_name, s3_prefix: task.project.s3_prefix,
    status: task.status ?? 'RUNNING', done: 0, total: task.total, exclusive: Boolean(task.exclusive),
    created_time: now.toISOString(), updated_at: now.toISOString(), expires_at: expiresAt,
  };
  const marker = { ...runningKey(task.project.project_id, taskId), task_id: taskId, project_id: task.project.project_id, kind: task.kind, expires_at: expiresAt };
  try {
    await table.doc.send(new TransactWriteCommand({
      TransactItems: [
        {
          ConditionCheck: {
            TableName: table.tableName, Key: projectKey(task.owner.sub, task.project.project_id),
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting)',
          },
        },
        { Put: { TableName: table.tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: table.tableName, Item: marker } },
        { Put: { TableName: table.tableName, Item: { ...projectTaskKey(task.project.project_id, taskId), expires_at: expiresAt } } },
        ...(task.exclusive ? [{
          Put: {
            TableName: table.tableName,
            Item: { ...lockKey(task.project.project_id, task.kind), task_id: taskId, expires_at: expiresAt },
            ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now',
            ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          },
        }] : []),
      ],
    }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') {
      const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: projectKey(task.owner.sub, task.project.project_id), ConsistentRead: true }));
      throw projectConditionError(Item as ProjectRecord | undefined);
    }
    if (codes?.[4] === 'ConditionalCheckFailed') throw conflict(`A ${task.kind} task is already running on this project`);
    if (codes?.includes('TransactionConflict')) throw conflict('Another request is changing this project; try again');
    throw error;
  }
  return record;
}

/**
 * Ends an active task exactly once: sets its final status (and `fields`), removes its running marker
 * and its lock, in one transaction conditioned on the task still being active.
 * @returns true when this call ended it, false when it had already ended (or is unknown)
 */
export async function finishTask(table: DatasetsTable, task: Pick<TaskRecord, 'task_id' | 'project_id' | 'kind'> & { exclusive?: unknown },
  status: Extract<TaskStatus, 'FINISH' | 'ERROR' | 'CANCELLED'>, fields: Record<string, unknown> = {}): Promise<boolean> {
  const values: Record<string, unknown> = { ':status': status, ':now': new Date().toISOString(), ':pending': 'PENDING', ':running': 'RUNNING' };
  const names: Record<string, string> = { '#status': 'status' };
  const sets = ['#status = :status', 'updated_at = :now'];
  for (const [index, [name, value]] of Object.entries(fields).entries()) {
    names[`#f${index}`] = name;
    values[`:f${index}`] = value;
    sets.push(`#f${index} = :f${index}`);
  }
  try {
    await table.doc.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: table.tableName, Key: taskKey(task.task_id),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#status IN (:pending, :running)',
            ExpressionAttributeNames: names, ExpressionAttributeValues: values,
          },
        },
        { Delete: { TableName: table.tableName, Key: runningKey(task.project_id, task.task_id) } },
        ...(task.exclusive ? [{
          Delete: {
            TableName: table.tableName, Key: lockKey(task.project_id, task.kind),
            ConditionExpression: 'attribute_not_exists(pk) OR task_id = :task', ExpressionAttributeValues: { ':task': task.task_id },
          },
        }] : []),
      ],
    }));
    return true;
  } catch (error) {
    if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/**
 * Adds `done` units to an active task's progress (and sets `fields`).
 * @returns the task after the update, or undefined when it is no longer active
 */
export async function addTaskProgress(table: DatasetsTable, taskId: string, done: number, fields: Record<string, unknown> = {}): Promise<TaskRecord | undefined> {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':done': done, ':now': new Date().toISOString(), ':pending': 'PENDING', ':running': 'RUNNING' };
  const sets = ['updated_at = :now'];
  for (const [index, [name, value]] of Object.entries(fields).entries()) {
    names[`#f${index}`] = name;
    values[`:f${index}`] = value;
    sets.push(`#f${index} = :f${index}`);
  }
  try {
    const { Attributes } = await table.doc.send(new UpdateCommand({
      TableName: table.tableName, Key: taskKey(taskId),
      UpdateExpression: `ADD done :done SET ${sets.join(', ')}`,
      ConditionExpression: '#status IN (:pending, :running)',
      ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: 'ALL_NEW',
    }));
    return Attributes as TaskRecord;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

/**
 * Sets an active task's progress to `done` units (a worker that restarts its whole job starts from 0).
 * @returns false when the task is no longer active
 */
export async function setTaskProgress(table: DatasetsTable, taskId: string, done: number): Promise<boolean> {
  try {
    await table.doc.send(new UpdateCommand({
      TableName: table.tableName, Key: taskKey(taskId),
      UpdateExpression: 'SET done = :done, updated_at = :now',
      ConditionExpression: '#status IN (:pending, :running)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': done, ':now': new Date().toISOString(), ':pending': 'PENDING', ':running': 'RUNNING' },
    }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** @returns the task, or undefined when it is unknown or (with `owner`) another user's */
export async function getTask(table: DatasetsTable, taskId: string, owner?: Owner): Promise<TaskRecord | undefined> {
  const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: taskKey(taskId), ConsistentRead: true }));
  const task = Item as TaskRecord | undefined;
  return task && (!owner || task.identity_id === owner.sub) ? task : undefined;
}

/** A running task as `ls_task` lists it. */
export interface RunningTask { task_id: string; project_id: string; kind: TaskKind }

/** The project's active tasks of every kind (export and generation), from their running markers. */
export async function listRunningTasks(table: DatasetsTable, projectId: string): Promise<RunningTask[]> {
  const markers = await queryAll<RunningTask & { expires_at: number }>(table, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': runningPartition(projectId), ':prefix': 'TASK#' },
    ConsistentRead: true,
  });
  const now = Date.now() / 1000;
  return markers.filter((m) => m.expires_at > now).map((m) => ({ task_id: m.task_id, project_id: m.project_id, kind: m.kind }));
}

/** How many tasks of every kind are active on the project (what `/projects/delete` refuses on). */
export const countRunningTasks = async (table: DatasetsTable, projectId: string): Promise<number> =>
  (await listRunningTasks(table, projectId)).length;

/** True for a status in which the task still runs. */
export const isActive = (status: TaskStatus): boolean => ACTIVE_TASK_STATUSES.includes(status);
