import { randomBytes } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailed, conflict, queryAll, transactWrite, updateExpression, type NamedActions } from '@darkroom/runtime';
import { TASK_TTL } from './limits';
import {
  ACTIVE_TASK_STATUSES, lockKey, projectKey, projectTaskKey, runningPartition, runningKey, taskKey,
  type ProjectRecord, type TaskKind, type TaskRecord, type TaskStatus,
} from './model';
import { projectConditionError, type Owner } from './projects';
import type { DatasetsTable } from './table';

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
    await transactWrite(table.doc, {
      project: {
        ConditionCheck: {
          TableName: table.tableName, Key: projectKey(task.owner.sub, task.project.project_id),
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting)',
        },
      },
      task: { Put: { TableName: table.tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } },
      marker: { Put: { TableName: table.tableName, Item: marker } },
      index: { Put: { TableName: table.tableName, Item: { ...projectTaskKey(task.project.project_id, taskId), expires_at: expiresAt } } },
      lock: task.exclusive && {
        Put: {
          TableName: table.tableName,
          Item: { ...lockKey(task.project.project_id, task.kind), task_id: taskId, expires_at: expiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        },
      },
    });
  } catch (error) {
    if (conditionFailed(error, 'project')) {
      const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: projectKey(task.owner.sub, task.project.project_id), ConsistentRead: true }));
      throw projectConditionError(Item as ProjectRecord | undefined);
    }
    if (conditionFailed(error, 'lock')) throw conflict(`A ${task.kind} task is already running on this project`);
    throw error;
  }
  return record;
}

/** The condition of every write that changes an active task: its status is still PENDING or RUNNING. */
const ACTIVE = { condition: '#status IN (:pending, :running)', names: { '#status': 'status' }, values: { ':pending': 'PENDING', ':running': 'RUNNING' } };

/**
 * Ends an active task exactly once: sets its final status (and `fields`), removes its running marker
 * and its lock, in one transaction conditioned on the task still being active. `extra` actions (named,
 * not `task`, `marker` or `lock`) join the same transaction, e.g. the project update of a finished generation.
 * @param at - the `updated_at` to store (ISO 8601), default now
 * @returns true when this call ended it, false when it had already ended (or is unknown)
 * @throws ServiceUnavailable (503) on a throttle or a conflicting transaction
 */
export async function finishTask(table: DatasetsTable, task: Pick<TaskRecord, 'task_id' | 'project_id' | 'kind'> & { exclusive?: unknown },
  status: Extract<TaskStatus, 'FINISH' | 'ERROR' | 'CANCELLED'>, fields: Record<string, unknown> = {},
  extra: Exclude<NamedActions, readonly unknown[]> = {}, at = new Date().toISOString()): Promise<boolean> {
  try {
    await transactWrite(table.doc, {
      task: {
        Update: {
          TableName: table.tableName, Key: taskKey(task.task_id), ConditionExpression: ACTIVE.condition,
          ...updateExpression({ set: { status, updated_at: at, ...fields }, names: ACTIVE.names, values: ACTIVE.values }),
        },
      },
      marker: { Delete: { TableName: table.tableName, Key: runningKey(task.project_id, task.task_id) } },
      lock: Boolean(task.exclusive) && {
        Delete: {
          TableName: table.tableName, Key: lockKey(task.project_id, task.kind),
          ConditionExpression: 'attribute_not_exists(pk) OR task_id = :task', ExpressionAttributeValues: { ':task': task.task_id },
        },
      },
      ...extra,
    });
    return true;
  } catch (error) {
    if (conditionFailed(error, 'task')) return false;
    throw error;
  }
}

/**
 * Adds `done` units to an active task's progress (and sets `fields`).
 * @returns the task after the update, or undefined when it is no longer active
 */
export async function addTaskProgress(table: DatasetsTable, taskId: string, done: number, fields: Record<string, unknown> = {}): Promise<TaskRecord | undefined> {
  try {
    const { Attributes } = await table.doc.send(new UpdateCommand({
      TableName: table.tableName, Key: taskKey(taskId), ConditionExpression: ACTIVE.condition, ReturnValues: 'ALL_NEW',
      ...updateExpression({ set: { updated_at: new Date().toISOString(), ...fields }, add: { done }, names: ACTIVE.names, values: ACTIVE.values }),
    }));
    return Attributes as TaskRecord;
  } catch (error) {
    if (conditionFailed(error)) return undefined;
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
      TableName: table.tableName, Key: taskKey(taskId), ConditionExpression: ACTIVE.condition,
      ...updateExpression({ set: { done, updated_at: new Date().toISOString() }, names: ACTIVE.names, values: ACTIVE.values }),
    }));
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
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
  const markers = await queryAll<RunningTask & { expires_at: number }>(table.doc, {
    TableName: table.tableName,
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
