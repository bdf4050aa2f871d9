/**
 * The generation queue's workers: `plan` (split, reference images, fan-out into batches) and `batch`
 * (render, store and register each output). Idempotent per task and output: an output record written
 * in the same transaction as the task's progress, so redelivery and crashes never count an output
 * twice, and a re-rendered output (same seed, same bytes, same name) replaces itself.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  conditionFailed, DomainError, logger, mapLimit, metrics, MetricUnit, queryAll, transactWrite, updateExpression,
} from '@darkroom/runtime';
import { allData, registerObject, removeData } from './data';
import {
  finishGeneration, MAX_LISTED_FAILURES, OUTPUTS_PER_MESSAGE,
  type BatchSource, type GenerationDeps, type GenerationMessage, type GenerationTask, type ReferenceImage,
} from './generation';
import {
  chooseReference, encodingOf, measureBytes, methodById, renderOutput, UndecodableImageError,
  type Candidate, type MethodSpec, type ReferenceTarget, type Rendered,
} from './methods';
import { seededRandom } from './methods/prng';
import { CLASS_TYPES, dataNumberAttribute, keyOwnerOf, objectKey, projectKey, taskKey, type ClassType, type ProjectRecord } from './model';
import { getTask } from './tasks';

/** What the workers need besides the route's deps: S3 and the datasets bucket. */
export interface GenerationWorkerDeps extends GenerationDeps {
  s3: S3Client;
  bucket: string;
}

/** Which delivery of its message this is; on the last one, failures are recorded instead of retried. */
export interface Attempt { number: number; max: number }

/** Images measured at once while choosing reference images. */
const MEASURE_CONCURRENCY = 4;

const outputKey = (filename: string, index: number) => ({ sk: `OUT#${filename}#${index}` });
const isActive = (task: GenerationTask): boolean => task.status === 'PENDING' || task.status === 'RUNNING';
const methodsOf = (task: GenerationTask): MethodSpec[] => task.ls_method_id.map((id) => methodById(id)!);

async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await Body!.transformToByteArray());
}

/** Errors retrying cannot fix: the source is gone or not an image, or the project refuses registrations. */
const isPermanent = (error: unknown) => error instanceof UndecodableImageError || error instanceof NoSuchKey
  || (error as Error).name === 'NoSuchKey' || (error instanceof DomainError && error.statusCode < 500);

/**
 * The split of a task's sources: a seeded shuffle of the sources (in filename order), the first
 * `train` TRAIN, the next `val` VAL, the rest TEST, so the same seed gives the same split.
 * @returns the class of each source, by index
 */
export function splitClasses(count: number, dataNumber: [number, number, number], seed: string): ClassType[] {
  const order = seededRandom(`${seed}/split`).permutation(count);
  const classes = new Array<ClassType>(count);
  order.forEach((source, position) => {
    classes[source] = position < dataNumber[0] ? 'TRAIN' : position < dataNumber[0] + dataNumber[1] ? 'VAL' : 'TEST';
  });
  return classes;
}

/**
 * The file name of an output: preprocessing keeps the source's name; augmentation adds
 * `_v<version>_<n>` (n from 1) before the extension. A source whose format is not written as is (GIF,
 * TIFF, AVIF: PNG out) gets the output's extension appended, so names stay unique.
 */
export function outputFilename(source: string, contentType: string, extension: string, process: 'PREPROCESS' | 'AUGMENT', version: number, index: number): string {
  const dot = source.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [source.slice(0, dot), source.slice(dot)] : [source, ''];
  const sameType = encodingOf(({ '.jpg': 'jpeg', '.jpeg': 'jpeg', '.png': 'png', '.webp': 'webp' } as Record<string, string>)[ext.toLowerCase()] ?? '').contentType === contentType
    && ['.jpg', '.jpeg', '.png', '.webp'].includes(ext.toLowerCase());
  const suffix = process === 'AUGMENT' ? `_v${version}_${index + 1}` : '';
  const tail = `${suffix}${ext}${sameType ? '' : `.${extension}`}`;
  return `${stem.slice(0, 255 - tail.length)}${tail}`;
}

/** The methods of output `index` of source number `sourceIndex`: all of them (preprocessing), or one in turn (augmentation). */
export function methodsForOutput(task: Pick<GenerationTask, 'process_type' | 'num_aug_p_img' | 'ls_method_id'>, sourceIndex: number, index: number): MethodSpec[] {
  const methods = task.ls_method_id.map((id) => methodById(id)!);
  if (task.process_type === 'PREPROCESS') return methods;
  return [methods[(sourceIndex * task.num_aug_p_img + index) % methods.length]!];
}

/**
 * Handles one message of the generation queue.
 * @throws for transient failures (the message is retried; after maxReceiveCount it goes to the DLQ)
 */
export async function handleGenerationMessage(deps: GenerationWorkerDeps, message: GenerationMessage, attempt: Attempt): Promise<{ status: string }> {
  if (message.type === 'plan') return planTask(deps, message.task_id, attempt);
  return runBatch(deps, message.task_id, message.sources, attempt);
}

/** Reference images of the task's normalising methods: each the source with the median statistic. */
async function chooseReferences(deps: GenerationWorkerDeps, task: GenerationTask, sources: Array<{ filename: string; key: string }>) {
  const normalising = methodsOf(task).filter((m) => m.reference);
  if (!normalising.length) return { reference_images: [] as ReferenceImage[], references: {} as Record<string, ReferenceTarget> };
  const measured = await mapLimit(sources, MEASURE_CONCURRENCY, async (source): Promise<Candidate | undefined> => {
    try {
      return { filename: source.filename, statistics: await measureBytes(await readObject(deps.s3, deps.bucket, source.key)) };
    } catch (error) {
      if (isPermanent(error) || (error as Error).message.includes('unsupported image format')) return undefined; // recorded when its batch runs
      throw error;
    }
  });
  const candidates = measured.filter((c): c is Candidate => Boolean(c));
  const referenceImages: ReferenceImage[] = [];
  const references: Record<string, ReferenceTarget> = {};
  for (const method of normalising) {
    const chosen = chooseReference(candidates, method.reference!);
    if (!chosen) continue;
    const value = chosen.statistics[method.reference!];
    referenceImages.push({ method_id: method.method_id, statistic: method.reference!, filename: chosen.filename, value });
    references[method.method_id] = { filename: chosen.filename, value, ...(method.method_id === 'PRE-008' ? { histogram: chosen.statistics.histogram } : {}) };
  }
  return { reference_images: referenceImages, references };
}

/** `plan`: splits the sources, chooses the reference images, queues the batches, marks the task RUNNING. */
async function planTask(deps: GenerationWorkerDeps, taskId: string, attempt: Attempt): Promise<{ status: string }> {
  const started = await getTask(deps.table, taskId) as GenerationTask | undefined;
  if (!started || started.status !== 'PENDING') return { status: 'skipped' };
  let task: GenerationTask | undefined = started;
  try {
    const sources = await allData(deps.table, task.project_id, task.data_type);
    if (sources.length !== task.source_count) {
      await finishGeneration(deps.table, task, 'ERROR', { reason: `The ${task.data_type} group changed since the task started (${sources.length} images, was ${task.source_count}): start it again` });
      return { status: 'ERROR' };
    }
    if (!task.references) {
      const chosen = await chooseReferences(deps, task, sources);
      task = await setTaskFields(deps, task, chosen);
      if (!task) return { status: 'skipped' };
    }
    const classes = splitClasses(sources.length, task.data_number, task.seed);
    const perMessage = Math.max(1, Math.floor(OUTPUTS_PER_MESSAGE / task.num_aug_p_img));
    const messages: GenerationMessage[] = [];
    for (let offset = 0, batch = 0; offset < sources.length; offset += perMessage, batch++) {
      messages.push({
        type: 'batch', task_id: taskId, batch,
        sources: sources.slice(offset, offset + perMessage).map((s, i) => ({ filename: s.filename, key: s.key, classtype: classes[offset + i]!, index: offset + i })),
      });
    }
    for (let i = 0; i < messages.length; i += 10) {
      const entries = messages.slice(i, i + 10).map((m, n) => ({ Id: String(n), MessageBody: JSON.stringify(m) }));
      const { Failed = [] } = await deps.queue.sqs.send(new SendMessageBatchCommand({ QueueUrl: deps.queue.url, Entries: entries }));
      if (Failed.length) throw new Error(`could not queue ${Failed.length} batch(es): ${Failed[0]!.Message ?? Failed[0]!.Code}`);
    }
    await setTaskFields(deps, task, { status: 'RUNNING', number_batches: messages.length });
    return { status: 'RUNNING' };
  } catch (error) {
    if (attempt.number < attempt.max) throw error;
    logger.error('generation plan failed on its last attempt', { taskId, error });
    await finishGeneration(deps.table, started, 'ERROR', { reason: 'the task could not be planned' });
    return { status: 'ERROR' };
  }
}

/** Sets fields of an active task. @returns the task after the update, or undefined when it is no longer active */
async function setTaskFields(deps: GenerationWorkerDeps, task: GenerationTask, fields: Record<string, unknown>): Promise<GenerationTask | undefined> {
  try {
    const { Attributes } = await deps.table.doc.send(new UpdateCommand({
      TableName: deps.table.tableName, Key: taskKey(task.task_id), ConditionExpression: '#status IN (:pending, :running)', ReturnValues: 'ALL_NEW',
      ...updateExpression({
        set: { updated_at: new Date().toISOString(), ...fields },
        names: { '#status': 'status' }, values: { ':pending': 'PENDING', ':running': 'RUNNING' },
      }),
    }));
    return Attributes as GenerationTask;
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
}

/** Records a finished output and counts it, in one transaction; false when it was already recorded (or the task ended). */
async function recordOutput(deps: GenerationWorkerDeps, task: GenerationTask, source: BatchSource, index: number,
  outcome: { filename: string; key: string; size: number; applied: Rendered['applied'] } | { failed: string }): Promise<boolean> {
  const failed = 'failed' in outcome;
  const counter = failed ? 'failed' : `done_${source.classtype}`;
  try {
    await transactWrite(deps.table.doc, {
      output: {
        Put: {
          TableName: deps.table.tableName,
          Item: { pk: taskKey(task.task_id).pk, ...outputKey(source.filename, index), source: source.filename, classtype: source.classtype, ...outcome, recorded_at: new Date().toISOString(), expires_at: task.expires_at },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      progress: {
        Update: {
          TableName: deps.table.tableName, Key: taskKey(task.task_id),
          UpdateExpression: failed ? 'ADD failed :one SET updated_at = :now' : 'ADD done :one, #class :one SET updated_at = :now',
          ConditionExpression: '#status IN (:pending, :running)',
          ExpressionAttributeNames: { '#status': 'status', ...(failed ? {} : { '#class': counter }) },
          ExpressionAttributeValues: { ':one': 1, ':now': new Date().toISOString(), ':pending': 'PENDING', ':running': 'RUNNING' },
        },
      },
    });
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** Lists a failed source on the task (best effort, at most {@link MAX_LISTED_FAILURES}; the count is exact either way). */
async function listFailure(deps: GenerationWorkerDeps, task: GenerationTask, filename: string, reason: string): Promise<void> {
  await deps.table.doc.send(new UpdateCommand({
    TableName: deps.table.tableName, Key: taskKey(task.task_id),
    UpdateExpression: 'SET failures = list_append(failures, :failure)',
    ConditionExpression: 'size(failures) < :max',
    ExpressionAttributeValues: { ':failure': [{ filename, reason }], ':max': MAX_LISTED_FAILURES },
  })).catch((error: unknown) => { if (!conditionFailed(error)) throw error; });
}

/** `batch`: every output of every source of the message, skipping those already recorded; then the finish check. */
async function runBatch(deps: GenerationWorkerDeps, taskId: string, sources: BatchSource[], attempt: Attempt): Promise<{ status: string }> {
  for (const source of sources) {
    // Workers look at the task before each image, so a cancel stops them.
    const task = await getTask(deps.table, taskId) as GenerationTask | undefined;
    if (!task) return { status: 'gone' };
    if (!isActive(task)) return { status: task.status };
    let bytes: Buffer | undefined;
    for (let index = 0; index < task.num_aug_p_img; index++) {
      const { Item } = await deps.table.doc.send(new GetCommand({ TableName: deps.table.tableName, Key: { pk: taskKey(taskId).pk, ...outputKey(source.filename, index) }, ConsistentRead: true }));
      if (Item) continue;
      try {
        bytes ??= await readObject(deps.s3, deps.bucket, source.key);
        await generateOutput(deps, task, source, index, bytes);
      } catch (error) {
        if (!isPermanent(error) && attempt.number < attempt.max) throw error;
        const reason = isPermanent(error) ? (error as Error).message : `gave up after ${attempt.number} attempts: ${(error as Error).message}`;
        logger.warn('generation output failed', { taskId, source: source.filename, index, reason });
        metrics.addMetric('GenerationOutputsFailed', MetricUnit.Count, 1);
        if (await recordOutput(deps, task, source, index, { failed: reason }) && index === 0) await listFailure(deps, task, source.filename, reason);
      }
    }
  }
  return finishIfComplete(deps, taskId);
}

/**
 * Renders, stores and registers one output, then records it. Rendering is deterministic (the output's
 * seed), so a re-run after a crash writes the same bytes under the same name and registration replaces
 * the earlier copy: no duplicate, counters unchanged.
 */
export async function generateOutput(deps: GenerationWorkerDeps, task: GenerationTask, source: BatchSource, index: number, bytes: Buffer): Promise<void> {
  const rendered = await renderOutput(bytes, {
    methods: methodsForOutput(task, source.index, index), seed: `${task.seed}/${source.filename}/${index}`, references: task.references,
  });
  const filename = outputFilename(source.filename, rendered.contentType, rendered.extension, task.process_type, task.version, index);
  const key = objectKey(keyOwnerOf(task, task.identity_id), task.project_id, task.process_type, filename);
  const hash = createHash('md5').update(rendered.data).digest('hex');
  await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: rendered.data, ContentType: rendered.contentType }));
  await registerObject(deps.table, { owner: { sub: task.identity_id }, projectId: task.project_id }, task.process_type, {
    filename, key, size: rendered.data.length, hash, is_ori: false, classtype: source.classtype,
    gen_id: rendered.applied.map((a) => a.method_id).join('+'),
    details: { task_id: task.task_id, version: task.version, source: source.filename, methods: rendered.applied },
  });
  await recordOutput(deps, task, source, index, { filename, key, size: rendered.data.length, applied: rendered.applied });
  metrics.addMetric('GenerationOutputs', MetricUnit.Count, 1);
}

/**
 * Finishes the task when every output is recorded (done + failed = total): a preprocessing run first
 * removes the previous run's images it did not replace; then one conditional transaction ends the task
 * (FINISH, or ERROR when nothing could be made) and, for FINISH, bumps times_generated and sets the
 * group's data_number. Called after every batch, so a crash before it is made good by the next delivery.
 */
export async function finishIfComplete(deps: GenerationWorkerDeps, taskId: string): Promise<{ status: string }> {
  const task = await getTask(deps.table, taskId) as GenerationTask | undefined;
  if (!task) return { status: 'gone' };
  if (!isActive(task)) return { status: task.status };
  if (task.done + (task.failed ?? 0) < task.total) return { status: task.status };
  const status = task.done === 0 ? 'ERROR' : 'FINISH';
  const made = CLASS_TYPES.map((c) => Number(task[`done_${c}`] ?? 0));
  let dataNumber = made;
  if (status === 'FINISH' && task.process_type === 'PREPROCESS') await removeStaleOutputs(deps, task);
  if (status === 'FINISH' && task.process_type === 'AUGMENT') {
    const { Item } = await deps.table.doc.send(new GetCommand({ TableName: deps.table.tableName, Key: projectKey(task.identity_id, task.project_id), ConsistentRead: true }));
    const before = ((Item as ProjectRecord | undefined)?.[dataNumberAttribute('AUGMENT')] as number[] | undefined) ?? [0, 0, 0];
    dataNumber = made.map((n, i) => n + (before[i] ?? 0));
  }
  const ended = await finishGeneration(deps.table, task, status, { finished_time: new Date().toISOString(), ...(status === 'ERROR' ? { reason: 'no image could be generated' } : {}) }, dataNumber);
  if (ended) logger.info('generation task ended', { taskId, status, done: task.done, failed: task.failed, total: task.total });
  return { status };
}

/** Removes the PREPROCESS images of earlier runs that this run did not write again (a new run replaces the group). */
async function removeStaleOutputs(deps: GenerationWorkerDeps, task: GenerationTask): Promise<void> {
  const outputs = await queryAll<{ filename?: string }>(deps.table.doc, {
    TableName: deps.table.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :out)', ExpressionAttributeValues: { ':pk': taskKey(task.task_id).pk, ':out': 'OUT#' }, ConsistentRead: true,
  });
  const written = new Set(outputs.flatMap((o) => (o.filename ? [o.filename] : [])));
  const stale = (await allData(deps.table, task.project_id, 'PREPROCESS')).filter((item) => !written.has(item.filename)).map((item) => item.filename);
  if (!stale.length) return;
  const { removed } = await removeData(deps.table, { owner: { sub: task.identity_id }, projectId: task.project_id }, 'PREPROCESS', stale);
  for (let i = 0; i < removed.length; i += 1000) {
    await deps.s3.send(new DeleteObjectsCommand({ Bucket: deps.bucket, Delete: { Objects: removed.slice(i, i + 1000).map((item) => ({ Key: item.key })), Quiet: true } }));
  }
}
