import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { badRequest, metrics, MetricUnit, notFound, presignDownload } from '@darkroom/runtime';
import type { DatasetsDeps, QueueTarget } from './deps';
import { DOWNLOAD_URL_TTL } from './limits';
import { countAttribute, exportKey, TYPE_METHODS, type DataRecord, type TaskRecord, type TypeMethod } from './model';
import { requireProject, type Owner } from './projects';
import { finishTask, getTask, isActive, startTask } from './tasks';

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
 * finished, its key and a presigned GET valid one hour: `url` with `expires_in` (seconds) and `expires_at`,
 * and seed 003's `presign_url` (the same URL); all null while the task runs.
 * @returns `{task_id, status, progress: {done, total}, s3_key, presign_url, url, expires_in, expires_at, size, down_type, process_type, project_id, project_name, created_time, updated_at, error}`
 * @throws 404 for a task that is not the caller's export
 */
export async function describeExport(deps: DatasetsDeps, owner: Owner, taskId: string) {
  const task = await getTask(deps.table, taskId, owner);
  if (!task || task.kind !== 'export') throw notFound('Task not found');
  const status = seedStatus(task);
  const key = status === 'FINISH' ? String(task.s3_key) : null;
  const link = key ? await presignDownload(deps.s3, { bucket: deps.bucket, key, expiresIn: DOWNLOAD_URL_TTL, attachmentName: key.split('/').pop() }) : null;
  return {
    task_id: task.task_id, status, progress: { done: task.done, total: task.total },
    s3_key: key, presign_url: link?.url ?? null, url: link?.url ?? null, expires_in: link?.expires_in ?? null, expires_at: link?.expires_at ?? null, size: status === 'FINISH' ? Number(task.size ?? 0) : null,
    down_type: String(task.down_type), process_type: String(task.process_type ?? 'DOWNLOAD'),
    project_id: task.project_id, project_name: task.project_name,
    created_time: task.created_time, updated_at: task.updated_at,
    error: status === 'ERROR' ? String(task.error ?? 'export failed') : null,
  };
}
