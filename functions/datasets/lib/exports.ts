import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { badRequest, logger, metrics, MetricUnit, notFound } from '@darkroom/runtime';
import { ZipArchive } from 'archiver';
import type { DatasetsDeps, QueueTarget } from './deps';
import { DOWNLOAD_URL_TTL, EXPORT_PART_SIZE, EXPORT_PROGRESS_EVERY, EXPORT_QUEUE_SIZE } from './limits';
import { countAttribute, dataPartition, exportKey, projectPrefix, TYPE_METHODS, type DataRecord, type TaskRecord, type TypeMethod } from './model';
import { requireProject, type Owner } from './projects';
import type { DatasetsTable } from './table';
import { finishTask, getTask, isActive, setTaskProgress, startTask } from './tasks';

/** What `down_type` asks for: one group, or ALL of them. */
export type DownType = TypeMethod | 'ALL';

/** The export queue's message. */
export interface ExportMessage { task_id: string }

/** The groups an export of `downType` covers. */
export const groupsOfDownType = (downType: DownType): TypeMethod[] => (downType === 'ALL' ? [...TYPE_METHODS] : [downType]);

/** Name of a zip entry: `<TYPE>/<classtype>/<filename>` once split, else `<TYPE>/<filename>`. */
export const entryName = (item: Pick<DataRecord, 'type_method' | 'classtype' | 'filename'>): string =>
  item.classtype ? `${item.type_method}/${item.classtype}/${item.filename}` : `${item.type_method}/${item.filename}`;

/**
 * `/projects/download_create` (= `/dataflow/create_compress_download_task`): starts an export of a
 * group (or ALL) into one zip, worked by the export queue. An identical export of unchanged data (same
 * project, down_type and data version) that is running or finished is reused: its task_id is returned.
 * @returns `{task_id}`
 * @throws 404 for a project that is not the caller's; 400 for an empty group or a project_name that is
 *   not the project's; 409 while the project is being deleted
 */
export async function createExport(
  deps: DatasetsDeps & { exportQueue: QueueTarget }, owner: Owner, input: { project_id: string; project_name: string; down_type: DownType },
): Promise<{ task_id: string }> {
  const project = await requireProject(deps.table, owner, input.project_id);
  if (input.project_name !== project.project_name) throw badRequest(`project_name does not match project ${project.project_id}`);
  const total = groupsOfDownType(input.down_type).reduce((sum, type) => sum + Number(project[countAttribute(type)] ?? 0), 0);
  if (total === 0) throw badRequest(input.down_type === 'ALL' ? 'The project has no data to download' : `There is no ${input.down_type} data to download`);
  const reuseKey = exportKey(project.project_id, input.down_type, project.data_version);
  const { Item: previous } = await deps.table.doc.send(new GetCommand({ TableName: deps.table.tableName, Key: reuseKey, ConsistentRead: true }));
  if (previous) {
    const task = await getTask(deps.table, String(previous.task_id), owner);
    if (task && (task.status === 'FINISH' || isActive(task.status))) {
      metrics.addMetric('ExportsReused', MetricUnit.Count, 1);
      return { task_id: task.task_id };
    }
  }
  const task = await startTask(deps.table, {
    kind: 'export', owner, project, total,
    fields: { down_type: input.down_type, process_type: 'DOWNLOAD', data_version: project.data_version, s3_key: null },
  });
  await deps.table.doc.send(new PutCommand({ TableName: deps.table.tableName, Item: { ...reuseKey, task_id: task.task_id, expires_at: task.expires_at } }));
  try {
    const message: ExportMessage = { task_id: task.task_id };
    await deps.exportQueue.sqs.send(new SendMessageCommand({ QueueUrl: deps.exportQueue.url, MessageBody: JSON.stringify(message) }));
  } catch (error) {
    await finishTask(deps.table, task, 'ERROR', { error: 'could not queue the export' });
    throw error;
  }
  metrics.addMetric('ExportsStarted', MetricUnit.Count, 1);
  return { task_id: task.task_id };
}

/** seed 003's RUNNING / FINISH / ERROR (PENDING counts as RUNNING). */
const seedStatus = (task: TaskRecord) => (isActive(task.status) ? 'RUNNING' : task.status === 'FINISH' ? 'FINISH' : 'ERROR');

/**
 * `/projects/download_update` (= `/dataflow/get_compress_download_task`): an export's state; when it is
 * finished, its key and a presigned GET valid one hour.
 * @returns `{task_id, status, progress: {done, total}, s3_key, presign_url, size, down_type, process_type, project_id, project_name, created_time, updated_at, error}`
 * @throws 404 for a task that is not the caller's export
 */
export async function describeExport(deps: DatasetsDeps, owner: Owner, taskId: string) {
  const task = await getTask(deps.table, taskId, owner);
  if (!task || task.kind !== 'export') throw notFound('Task not found');
  const status = seedStatus(task);
  const key = status === 'FINISH' ? String(task.s3_key) : null;
  const url = key ? await getSignedUrl(deps.s3, new GetObjectCommand({
    Bucket: deps.bucket, Key: key, ResponseContentDisposition: `attachment; filename="${key.split('/').pop()}"`,
  }), { expiresIn: DOWNLOAD_URL_TTL }) : null;
  return {
    task_id: task.task_id, status, progress: { done: task.done, total: task.total },
    s3_key: key, presign_url: url, size: status === 'FINISH' ? Number(task.size ?? 0) : null,
    down_type: String(task.down_type), process_type: String(task.process_type ?? 'DOWNLOAD'),
    project_id: task.project_id, project_name: task.project_name,
    created_time: task.created_time, updated_at: task.updated_at,
    error: status === 'ERROR' ? String(task.error ?? 'export failed') : null,
  };
}

/** Reads a group's records page by page (100 at a time), so an export of any size holds one page. */
async function* groupRecords(table: DatasetsTable, projectId: string, type: TypeMethod): AsyncGenerator<DataRecord> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(new QueryCommand({
      TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': dataPartition(projectId, type) },
      ExclusiveStartKey: start, Limit: 100, ConsistentRead: true,
    }));
    for (const item of (page.Items ?? []) as DataRecord[]) yield item;
    start = page.LastEvaluatedKey;
  } while (start);
}

/** What {@link writeZip} wrote. */
export interface ZipResult { entries: number; skipped: string[]; bytes: number }

/** One file to put in the zip: its entry name, and how to open its bytes (called when its turn comes). */
export interface ZipSource { name: string; open: () => Promise<Readable | undefined> }

/**
 * Streams `sources` into one zip written to S3 with a multipart upload (archiver + lib-storage's
 * Upload). Entries are added one at a time: the next object is opened only when archiver has taken the
 * previous one, so memory stays at about `partSize x (queueSize + 1)` whatever the export's size.
 * Entries are STORED (images are already compressed; deflating them costs CPU for ~1%); ZIP64 kicks in
 * by itself past 4 GiB or 65,535 entries.
 * @param onEntry - called after each entry (progress)
 * @returns entries written, sources skipped (`open` gave undefined: the object vanished), zip bytes
 */
export async function writeZip(
  s3: S3Client, target: { bucket: string; key: string }, sources: AsyncIterable<ZipSource>,
  onEntry: (written: number) => Promise<void> = async () => undefined,
  options: { partSize?: number; queueSize?: number } = {},
): Promise<ZipResult> {
  const archive = new ZipArchive({ store: true });
  const body = new PassThrough();
  archive.pipe(body);
  const upload = new Upload({
    client: s3,
    params: { Bucket: target.bucket, Key: target.key, Body: body, ContentType: 'application/zip' },
    partSize: options.partSize ?? EXPORT_PART_SIZE,
    queueSize: options.queueSize ?? EXPORT_QUEUE_SIZE,
    leavePartsOnError: false,
  });
  const uploaded = upload.done();
  let failure: unknown;
  archive.on('error', (error) => { failure = error; body.destroy(error); });
  archive.on('warning', (warning) => logger.warn('archiver warning', { warning: String(warning) }));
  const skipped: string[] = [];
  let entries = 0;
  try {
    for await (const source of sources) {
      if (failure) throw failure;
      const stream = await source.open();
      if (!stream) { skipped.push(source.name); continue; }
      const taken = new Promise<void>((resolve, reject) => {
        const onEntryDone = () => { archive.off('error', onError); resolve(); };
        const onError = (error: Error) => { archive.off('entry', onEntryDone); reject(error); };
        archive.once('entry', onEntryDone);
        archive.once('error', onError);
      });
      archive.append(stream, { name: source.name });
      await taken;
      entries += 1;
      await onEntry(entries);
    }
    await archive.finalize();
    await uploaded;
  } catch (error) {
    archive.abort();
    body.destroy();
    await upload.abort().catch(() => undefined);
    await uploaded.catch(() => undefined);
    throw error;
  }
  return { entries, skipped, bytes: archive.pointer() };
}

/** Opens an object of the datasets bucket as a stream, or undefined when it no longer exists. */
const openObject = (s3: S3Client, bucket: string, key: string) => async (): Promise<Readable | undefined> => {
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Body as Readable;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
};

/** The zip's key: `<sub>/<project_id>/download/<task_id>/<project_name>_<down_type>.zip`. */
export const exportObjectKey = (task: TaskRecord): string =>
  `${projectPrefix(task.identity_id, task.project_id)}download/${task.task_id}/${task.project_name.replace(/[^A-Za-z0-9_.-]+/g, '_')}_${String(task.down_type)}.zip`;

/**
 * The export worker's job: streams the task's groups into the zip, writes progress every
 * {@link EXPORT_PROGRESS_EVERY} entries, and ends the task FINISH (with `s3_key`, `size`) exactly once.
 * A task that is no longer active (a redelivery after it finished) is left alone.
 * @param attempt - the delivery's number and the queue's maxReceiveCount: the last failed attempt ends the task ERROR
 * @throws what failed, so SQS retries (before the last attempt)
 */
export async function runExport(deps: DatasetsDeps, message: ExportMessage, attempt: { number: number; max: number }): Promise<void> {
  const task = await getTask(deps.table, message.task_id);
  if (!task || task.kind !== 'export' || !isActive(task.status)) {
    logger.info('export task not active, skipped', { task_id: message.task_id, status: task?.status });
    return;
  }
  const key = exportObjectKey(task);
  const types = groupsOfDownType(task.down_type as DownType);
  async function* sources(): AsyncGenerator<ZipSource> {
    for (const type of types) {
      for await (const item of groupRecords(deps.table, task!.project_id, type)) {
        yield { name: entryName(item), open: openObject(deps.s3, deps.bucket, item.key) };
      }
    }
  }
  try {
    await setTaskProgress(deps.table, task.task_id, 0);
    const result = await writeZip(deps.s3, { bucket: deps.bucket, key }, sources(), async (written) => {
      if (written % EXPORT_PROGRESS_EVERY === 0) await setTaskProgress(deps.table, task.task_id, written);
    });
    await finishTask(deps.table, task, 'FINISH', { s3_key: key, size: result.bytes, done: result.entries, total: result.entries + result.skipped.length, skipped: result.skipped.slice(0, 100) });
    metrics.addMetric('ExportsFinished', MetricUnit.Count, 1);
    metrics.addMetric('ExportBytes', MetricUnit.Bytes, result.bytes);
    logger.info('export finished', { task_id: task.task_id, entries: result.entries, bytes: result.bytes, skipped: result.skipped.length });
  } catch (error) {
    logger.error('export failed', { task_id: task.task_id, attempt: attempt.number, error: String(error) });
    if (attempt.number >= attempt.max) {
      await finishTask(deps.table, task, 'ERROR', { error: 'The export failed' });
      metrics.addMetric('ExportsFailed', MetricUnit.Count, 1);
      return;
    }
    throw error;
  }
}
