/**
 * Generation tasks (seed 003 "Generate Images"): a task item (the datasets task model, kind
 * `generation`), a fan-out of per-image work over the generation queue, per-output records that make
 * the work idempotent, and a finish that happens exactly once. See generation-worker.ts for the workers.
 *
 * Items besides the ones README.md beside this file lists: per output `pk = TASK#<task_id>`,
 * `sk = OUT#<source filename>#<index>` (written with attribute_not_exists in the same transaction as
 * the task's progress, so an output is never counted twice).
 */
import { randomBytes } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { badRequest, conflict, metrics, MetricUnit, notFound, updateExpression, type DomainError } from '@darkroom/runtime';
import type { QueueTarget } from './deps';
import { MethodSelectionError, selectMethods, type MethodKind, type ReferenceTarget } from './methods';
import {
  countAttribute, dataNumberAttribute, projectKey,
  type ClassType, type TaskRecord, type TaskStatus,
} from './model';
import { requireProject, type Owner } from './projects';
import { finishTask, getTask, startTask } from './tasks';
import type { DatasetsTable } from './table';

/** Outputs per source image of an augmentation task: seed 003's `num_aug_p_img`, max 5. */
export const NUM_AUG_PER_IMAGE = { min: 1, max: 5, default: 1 } as const;
/** Outputs one queue message carries (sources x outputs per source), so a message finishes well inside the worker's timeout. */
export const OUTPUTS_PER_MESSAGE = 25;
/** Failures listed on a task (the count is exact; the list stops here). */
export const MAX_LISTED_FAILURES = 100;

export type ProcessType = 'PREPROCESS' | 'AUGMENT';
export const processTypeOf = (kind: MethodKind): ProcessType => (kind === 'preprocessing' ? 'PREPROCESS' : 'AUGMENT');

/** The reference image chosen for a normalising method, as task_progress reports it. */
export interface ReferenceImage {
  method_id: string;
  statistic: string;
  filename: string;
  value: number;
}

/** A generation task: the datasets task item plus these fields. */
export interface GenerationTask extends TaskRecord {
  kind: 'generation';
  process_type: ProcessType;
  /** The methods that run, in order (after the grayscale rule). */
  ls_method_id: string[];
  /** Methods the grayscale rule dropped. */
  dropped_method_id: string[];
  data_type: 'ORIGINAL' | 'PREPROCESS';
  num_aug_p_img: number;
  data_number: [number, number, number];
  /** Seed of every draw of the task (split, parameters, noise). */
  seed: string;
  /** The dataset version this task makes when it finishes (the project's times_generated + 1). */
  version: number;
  source_count: number;
  failed: number;
  failures: Array<{ filename: string; reason: string }>;
  reference_images: ReferenceImage[];
  /** Reference targets by method id (the workers' input; histograms included). */
  references?: Record<string, ReferenceTarget>;
  /** Successful outputs per split class, for the group's data_number. */
  done_TRAIN?: number;
  done_VAL?: number;
  done_TEST?: number;
}

/** The body of /generate/images (after schema validation). */
export interface GenerationRequest {
  project_id: string;
  project_name: string;
  ls_method_id: string[];
  data_type?: 'ORIGINAL' | 'PREPROCESS';
  num_aug_p_img?: number;
  data_number: number[];
  seed?: string;
}

/** Messages of the generation queue. */
export type GenerationMessage =
  | { type: 'plan'; task_id: string }
  | { type: 'batch'; task_id: string; batch: number; sources: BatchSource[] };

/** One source image of a batch: where it is, its split class and its index in the task's source order. */
export interface BatchSource { filename: string; key: string; classtype: ClassType; index: number }

/** Where generation reads and writes. */
export interface GenerationDeps {
  table: DatasetsTable;
  queue: QueueTarget;
}

const refuse = (error: unknown): never => {
  if (error instanceof MethodSelectionError) throw badRequest(error.message);
  throw error;
};

/**
 * Starts a generation task (POST /generate/images). Validates everything before writing anything; the
 * task, its running marker and the project's generation lock are one conditional transaction, so a
 * second generation on the project is refused by the write itself (409), never by a read.
 * @returns `{task_id, times_generated}`: the version the task makes when it finishes
 * @throws 400 for bad methods, num_aug_p_img, data_number or an empty source group; 404 for another
 *   user's or unknown project; 409 while a generation runs or the project is being deleted
 */
export async function startGeneration(deps: GenerationDeps, owner: Owner, request: GenerationRequest): Promise<{ task_id: string; times_generated: number }> {
  const dataType = request.data_type ?? 'ORIGINAL';
  const selection = (() => { try { return selectMethods(request.ls_method_id, dataType); } catch (error) { return refuse(error); } })();
  const numAug = selection.kind === 'augmentation' ? request.num_aug_p_img ?? NUM_AUG_PER_IMAGE.default : 1;
  if (selection.kind === 'preprocessing' && request.num_aug_p_img !== undefined && request.num_aug_p_img !== 1) {
    throw badRequest('num_aug_p_img applies to augmentation only (preprocessing writes one image per source)');
  }
  if (!Number.isInteger(numAug) || numAug < NUM_AUG_PER_IMAGE.min || numAug > NUM_AUG_PER_IMAGE.max) {
    throw badRequest(`num_aug_p_img must be an integer from ${NUM_AUG_PER_IMAGE.min} to ${NUM_AUG_PER_IMAGE.max}`);
  }
  const project = await requireProject(deps.table, owner, request.project_id);
  if (project.project_name !== request.project_name) throw badRequest('project_name is not the name of project_id');
  const count = Number(project[countAttribute(dataType)] ?? 0);
  if (count <= 0) throw badRequest(`The ${dataType} group of this project is empty: nothing to generate from`);
  const [train = 0, val = 0, test = 0] = request.data_number;
  if (request.data_number.length !== 3) throw badRequest('data_number must be [train, val, test]');
  if (train <= 0) throw badRequest('data_number: train must be at least 1');
  if (train + val + test !== count) throw badRequest(`data_number must add up to the ${dataType} group's ${count} images (got ${train + val + test})`);
  const version = Number(project.times_generated ?? 0) + 1;
  const processType = processTypeOf(selection.kind);
  const task = await startTask(deps.table, {
    kind: 'generation', owner, project, total: count * numAug, status: 'PENDING', exclusive: true,
    fields: {
      process_type: processType, ls_method_id: selection.methods.map((m) => m.method_id), dropped_method_id: selection.dropped,
      data_type: dataType, num_aug_p_img: numAug, data_number: [train, val, test], seed: request.seed ?? randomBytes(8).toString('hex'),
      version, source_count: count, failed: 0, failures: [], reference_images: [], done_TRAIN: 0, done_VAL: 0, done_TEST: 0,
    },
  }).catch((error: DomainError) => {
    if (error.statusCode === 409 && /already running/.test(error.message)) throw conflict('A generation task is already running on this project; wait for it or cancel it');
    throw error;
  });
  try {
    await deps.queue.sqs.send(new SendMessageCommand({ QueueUrl: deps.queue.url, MessageBody: JSON.stringify({ type: 'plan', task_id: task.task_id } satisfies GenerationMessage) }));
  } catch (error) {
    await finishGeneration(deps.table, task as GenerationTask, 'ERROR', { reason: 'could not queue the task' });
    throw error;
  }
  metrics.addMetric('GenerationTasksStarted', MetricUnit.Count, 1);
  return { task_id: task.task_id, times_generated: version };
}

/** What /generate/task_progress answers. */
export interface TaskProgress {
  task_id: string;
  project_id: string;
  process_type: ProcessType;
  status: TaskStatus;
  number_finished: number;
  number_total: number;
  number_failed: number;
  reference_images: ReferenceImage[];
  failures: Array<{ filename: string; reason: string }>;
  ls_method_id: string[];
  dropped_method_id: string[];
  times_generated: number;
  seed: string;
  created_time: string;
  updated_at: string;
}

/** The caller's generation task. @throws 404 when unknown, another user's or not a generation task */
export async function requireGeneration(table: DatasetsTable, owner: Owner, taskId: string): Promise<GenerationTask> {
  const task = await getTask(table, taskId, owner);
  if (!task || task.kind !== 'generation') throw notFound('Task not found');
  return task as GenerationTask;
}

/** A task as /generate/task_progress shows it. */
export const progressOf = (task: GenerationTask): TaskProgress => ({
  task_id: task.task_id, project_id: task.project_id, process_type: task.process_type, status: task.status,
  number_finished: task.done, number_total: task.total, number_failed: task.failed ?? 0,
  reference_images: task.reference_images ?? [], failures: task.failures ?? [],
  ls_method_id: task.ls_method_id, dropped_method_id: task.dropped_method_id ?? [], times_generated: task.version, seed: task.seed,
  created_time: task.created_time, updated_at: task.updated_at,
});

/**
 * Cancels a running task (POST /generate/task_cancel): workers see it before their next image.
 * Outputs already registered stay in their group.
 * @throws 404 as {@link requireGeneration}; 409 when the task is no longer running
 */
export async function cancelGeneration(table: DatasetsTable, owner: Owner, taskId: string): Promise<TaskProgress> {
  const task = await requireGeneration(table, owner, taskId);
  if (!['PENDING', 'RUNNING'].includes(task.status) || !await finishGeneration(table, task, 'CANCELLED')) {
    throw conflict(`The task is not running (status ${(await requireGeneration(table, owner, taskId)).status})`);
  }
  metrics.addMetric('GenerationTasksCancelled', MetricUnit.Count, 1);
  return progressOf(await requireGeneration(table, owner, taskId));
}

/**
 * Ends a generation task exactly once with {@link finishTask} (status and `fields`, running marker, lock),
 * adding, for FINISH, the project's `times_generated` += 1 and the group's `data_number` to the same transaction.
 * @param dataNumber - FINISH only: the group's new `[train, val, test]`
 * @returns true when this call ended the task, false when it had already ended
 */
export async function finishGeneration(table: DatasetsTable, task: GenerationTask, status: Extract<TaskStatus, 'FINISH' | 'ERROR' | 'CANCELLED'>,
  fields: Record<string, unknown> = {}, dataNumber?: number[]): Promise<boolean> {
  const now = new Date().toISOString();
  const project = status === 'FINISH' && {
    Update: {
      TableName: table.tableName, Key: projectKey(task.identity_id, task.project_id), ConditionExpression: 'attribute_exists(pk)',
      ...updateExpression({ set: { [dataNumberAttribute(task.process_type)]: dataNumber ?? null, updated_at: now }, add: { times_generated: 1 } }),
    },
  };
  if (!await finishTask(table, { ...task, kind: 'generation', exclusive: true }, status, fields, { project }, now)) return false;
  metrics.addMetric(`GenerationTasks${status === 'FINISH' ? 'Finished' : status === 'ERROR' ? 'Failed' : 'Ended'}`, MetricUnit.Count, 1);
  return true;
}
