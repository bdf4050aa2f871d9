/**
 * The datasets table's data model (DESIGN.md §4 "Datasets data model"): every item of seed 003's
 * projects, their data, group counters and tasks lives in one DynamoDB table with string keys
 * `pk`/`sk` and TTL on `expires_at`. See README.md beside this file for the key layout.
 */

/** The three groups of a project's data (seed 003's `type_method`). */
export const TYPE_METHODS = ['ORIGINAL', 'PREPROCESS', 'AUGMENT'] as const;
export type TypeMethod = (typeof TYPE_METHODS)[number];

/** Split classes of a generated (or split) image: seed 003's `classtype`. */
export const CLASS_TYPES = ['TRAIN', 'VAL', 'TEST'] as const;
export type ClassType = (typeof CLASS_TYPES)[number];

/** Kinds of task that run on a project; every kind counts as "running" for `/projects/delete`. */
export type TaskKind = 'export' | 'generation';

/** Task states (seed 003 uses RUNNING/FINISH/ERROR; generation adds PENDING and CANCELLED). */
export type TaskStatus = 'PENDING' | 'RUNNING' | 'FINISH' | 'ERROR' | 'CANCELLED';
/** States in which a task still counts as running (blocks project deletion). */
export const ACTIVE_TASK_STATUSES: readonly TaskStatus[] = ['PENDING', 'RUNNING'];

/** Per-group counters, as top-level attributes of the project item (ADD works on top-level numbers only). */
export const countAttribute = (type: TypeMethod) => `count_${type}`;
export const sizeAttribute = (type: TypeMethod) => `size_${type}`;
/** `[train, val, test]` of the group's last split, or absent (null in responses) until split. */
export const dataNumberAttribute = (type: TypeMethod) => `data_number_${type}`;

/**
 * A project: `pk = USER#<sub>`, `sk = PROJECT#<project_id>`.
 * Counters `count_<TYPE>` / `size_<TYPE>` (bytes) are updated with ADD in the same transaction as the
 * data items they count; `data_version` grows by one on every data change (exports of an unchanged
 * version are reused).
 */
export interface ProjectRecord {
  pk: string;
  sk: string;
  /** The identity id its objects are keyed by (the identity pool's; the owner's sub for projects made before). */
  identity_id: string;
  project_id: string;
  project_name: string;
  description: string;
  /** `<bucket>/<identity_id>/<project_id>`: every object of the project lives under it. */
  s3_prefix: string;
  is_sample: boolean;
  /** Dataset version: grows by one per finished generation task. */
  times_generated: number;
  data_version: number;
  created_at: string;
  updated_at: string;
  /** Set while `/projects/delete` checks for running tasks: new tasks and registrations are refused. */
  deleting?: boolean;
  [counter: string]: unknown;
}

/** A name claim: `pk = USER#<sub>`, `sk = NAME#<project_name>` -> project_id. Makes names unique per user. */
export interface NameClaim { pk: string; sk: string; project_id: string }

/**
 * One object of a project's group: `pk = DATA#<project_id>#<type_method>`, `sk = <filename>`, so a
 * Query lists a group in filename order and the seed's `next_token {filename, project_id}` is the
 * Query's ExclusiveStartKey.
 */
export interface DataRecord {
  pk: string;
  sk: string;
  project_id: string;
  type_method: TypeMethod;
  filename: string;
  /** Object key in the datasets bucket (no bucket name): `<identity_id>/<project_id>/[<TYPE>/]<filename>`. */
  key: string;
  /** Bytes, as S3 reports them (ContentLength), never the client's number. */
  size: number;
  hash: string;
  is_ori: boolean;
  gen_id: string;
  classtype: ClassType | null;
  /** Bumped on every replacement: the optimistic-concurrency guard of registrations. */
  version: number;
  updated_at: string;
  /** Free-form details a producer records (e.g. a generated image's method and parameters). */
  details?: Record<string, unknown>;
}

/**
 * A task (export or generation): `pk = TASK#<task_id>`, `sk = TASK`. Owner-checked on every read.
 * While active, a marker `pk = RUNNING#<project_id>`, `sk = TASK#<task_id>` exists, written and removed
 * in the same transactions as the task's start and end; `/projects/delete` counts those.
 */
export interface TaskRecord {
  pk: string;
  sk: string;
  task_id: string;
  kind: TaskKind;
  identity_id: string;
  project_id: string;
  project_name: string;
  status: TaskStatus;
  done: number;
  total: number;
  created_time: string;
  updated_at: string;
  /** TTL, epoch seconds. */
  expires_at: number;
  /** The project's `s3_prefix` when the task started: where its outputs go (see {@link keyOwnerOf}). */
  s3_prefix?: string;
  [field: string]: unknown;
}

export const userKey = (sub: string) => `USER#${sub}`;
export const projectKey = (sub: string, projectId: string) => ({ pk: userKey(sub), sk: `PROJECT#${projectId}` });
export const nameClaimKey = (sub: string, projectName: string) => ({ pk: userKey(sub), sk: `NAME#${projectName}` });
/** The one-sample-project-per-user claim. */
export const sampleClaimKey = (sub: string) => ({ pk: userKey(sub), sk: 'SAMPLE' });
export const dataPartition = (projectId: string, type: TypeMethod) => `DATA#${projectId}#${type}`;
export const dataKey = (projectId: string, type: TypeMethod, filename: string) => ({ pk: dataPartition(projectId, type), sk: filename });
export const taskKey = (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' });
export const runningPartition = (projectId: string) => `RUNNING#${projectId}`;
/** Every task ever started on a project (kept until the task's TTL), so deleting the project removes its tasks. */
export const projectTasksPartition = (projectId: string) => `TASKS#${projectId}`;
export const projectTaskKey = (projectId: string, taskId: string) => ({ pk: projectTasksPartition(projectId), sk: taskId });
export const runningKey = (projectId: string, taskId: string) => ({ pk: runningPartition(projectId), sk: `TASK#${taskId}` });
/** An exclusive lock of one task kind on a project (e.g. one running generation task at a time). */
export const lockKey = (projectId: string, kind: TaskKind) => ({ pk: runningPartition(projectId), sk: `LOCK#${kind}` });
/** The export of one (project, down_type, data_version), so an identical export reuses its zip. */
export const exportKey = (projectId: string, downType: string, dataVersion: number) => ({ pk: `EXPORT#${projectId}`, sk: `${downType}#${dataVersion}` });

/**
 * The S3 key (in the datasets bucket) of a project's object: originals at `<sub>/<project_id>/<filename>`
 * (seed 003's layout), generated or client-uploaded PREPROCESS/AUGMENT images at
 * `<sub>/<project_id>/<TYPE>/<filename>`, so one filename may exist in every group.
 */
export const objectKey = (sub: string, projectId: string, type: TypeMethod, filename: string): string =>
  type === 'ORIGINAL' ? `${sub}/${projectId}/${filename}` : `${sub}/${projectId}/${type}/${filename}`;

/** Prefix of every object of a project (no bucket name). */
export const projectPrefix = (sub: string, projectId: string): string => `${sub}/${projectId}/`;

/** seed 003's `s3_prefix`: `<bucket>/<identity_id>/<project_id>`. */
export const s3Prefix = (bucket: string, identityId: string, projectId: string): string => `${bucket}/${identityId}/${projectId}`;

/**
 * The first segment of a project's object keys: the identity id of its `s3_prefix`
 * (`<bucket>/<identity_id>/<project_id>`). Projects made before identity-pool ids have the owner's sub
 * there, and keep it (their objects stay where they are). A record with no `s3_prefix` (a task started
 * before tasks carried it) gives `fallback`.
 */
export const keyOwnerOf = (record: { s3_prefix?: unknown }, fallback = ''): string =>
  (typeof record.s3_prefix === 'string' ? record.s3_prefix.split('/')[1] : undefined) || fallback;
