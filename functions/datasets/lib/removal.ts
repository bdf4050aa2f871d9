import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { badRequest, batchDelete, conditionFailed, conflict, logger, metrics, MetricUnit, transactWrite } from '@darkroom/runtime';
import { removeData } from './data';
import type { DatasetsDeps, QueueTarget } from './deps';
import { DELETE_OBJECTS_BATCH } from './limits';
import {
  dataPartition, keyOwnerOf, nameClaimKey, projectKey, projectPrefix, projectTasksPartition, runningPartition, sampleClaimKey, taskKey, TYPE_METHODS,
  type ProjectRecord, type TypeMethod,
} from './model';
import { findProject, markDeleting, projectNotFound, requireProject, type Owner } from './projects';
import type { DatasetsTable, ItemKey } from './table';
import { countRunningTasks } from './tasks';

/**
 * Deletes objects from the datasets bucket, 1,000 keys per DeleteObjects request (S3's limit).
 * @throws Error naming the first key S3 could not delete
 */
export async function deleteObjects(deps: Pick<DatasetsDeps, 's3' | 'bucket'>, keys: string[]): Promise<void> {
  for (let offset = 0; offset < keys.length; offset += DELETE_OBJECTS_BATCH) {
    const batch = keys.slice(offset, offset + DELETE_OBJECTS_BATCH);
    const result = await deps.s3.send(new DeleteObjectsCommand({
      Bucket: deps.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
    }));
    const failed = result.Errors?.[0];
    if (failed) throw new Error(`DeleteObjects failed for ${failed.Key}: ${failed.Code} ${failed.Message}`);
  }
}

/** One entry of `/projects/delete_images`. */
export interface DeleteEntry { filename: string; type_method: TypeMethod; size?: number }

/**
 * `/projects/delete_images`: removes the records (counters moved by the stored sizes) and then the
 * objects. Names not in their group are ignored and reported.
 * @returns `{deleted: [{filename, type_method}], not_found: [{filename, type_method}]}`
 * @throws 404 for a project that is not the caller's; 409 while it is being deleted
 */
export async function deleteImages(deps: DatasetsDeps, owner: Owner, projectId: string, entries: DeleteEntry[]) {
  const project = await requireProject(deps.table, owner, projectId);
  const deleted: Array<{ filename: string; type_method: TypeMethod }> = [];
  const notFound: Array<{ filename: string; type_method: TypeMethod }> = [];
  for (const type of TYPE_METHODS) {
    const names = entries.filter((e) => e.type_method === type).map((e) => e.filename);
    if (!names.length) continue;
    const result = await removeData(deps.table, { owner, projectId: project.project_id }, type, names);
    await deleteObjects(deps, result.removed.map((item) => item.key));
    deleted.push(...result.removed.map((item) => ({ filename: item.filename, type_method: type })));
    notFound.push(...result.missing.map((filename) => ({ filename, type_method: type })));
  }
  return { deleted, not_found: notFound };
}

/** seed 003's refusal, word for word. */
export const tasksRunningMessage = (count: number) =>
  `There are ${count} tasks are running. Please stop all tasks before deleting the project!`;

/** The marker of a project whose objects and records are still being purged. */
const purgeKey = (projectId: string) => ({ pk: `PURGE#${projectId}`, sk: 'PURGE' });

/** The message of the purge queue. */
export interface PurgeMessage { owner: string; project_id: string }

/**
 * Removes a project's own items (project, name claim, sample claim) and writes its purge marker, in one
 * transaction: from then on the project no longer lists and its name is free, while
 * {@link purgeProject} removes what it held.
 */
async function removeProjectItems(table: DatasetsTable, owner: Owner, project: ProjectRecord): Promise<void> {
  await transactWrite(table.doc, {
    project: { Delete: { TableName: table.tableName, Key: projectKey(owner.sub, project.project_id), ConditionExpression: 'attribute_exists(pk)' } },
    name: {
      Delete: {
        TableName: table.tableName, Key: nameClaimKey(owner.sub, project.project_name),
        ConditionExpression: 'attribute_not_exists(pk) OR project_id = :id', ExpressionAttributeValues: { ':id': project.project_id },
      },
    },
    sample: project.is_sample && { Delete: { TableName: table.tableName, Key: sampleClaimKey(owner.sub) } },
    purge: { Put: { TableName: table.tableName, Item: { ...purgeKey(project.project_id), owner: owner.sub, project_id: project.project_id, created_at: new Date().toISOString() } } },
  });
}

/**
 * Purges what a removed project held: every object under its prefix (ListObjectsV2 pages of 1,000,
 * DeleteObjects of 1,000), every data record of each group, its tasks, running markers and export
 * records, then its purge marker. Stops between batches when `deadline` (epoch ms) passes.
 * @returns true when everything is gone, false when it stopped at the deadline (run it again)
 */
export async function purgeProject(deps: DatasetsDeps, owner: string, projectId: string, deadline = Infinity): Promise<boolean> {
  const prefix = projectPrefix(owner, projectId);
  for (;;) {
    if (Date.now() > deadline) return false;
    const page = await deps.s3.send(new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: prefix, MaxKeys: DELETE_OBJECTS_BATCH }));
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
    if (!keys.length) break;
    await deleteObjects(deps, keys);
  }
  const partitions = [
    ...TYPE_METHODS.map((type) => dataPartition(projectId, type)), runningPartition(projectId), `EXPORT#${projectId}`, projectTasksPartition(projectId),
  ];
  for (const pk of partitions) {
    for (;;) {
      if (Date.now() > deadline) return false;
      const page = await deps.table.doc.send(new QueryCommand({
        TableName: deps.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk', Limit: 1000,
      }));
      const keys = (page.Items ?? []) as ItemKey[];
      if (!keys.length) break;
      // The task index names the project's task items: remove them before their index entries.
      if (pk === projectTasksPartition(projectId)) await batchDelete(deps.table.doc, deps.table.tableName, keys.map((key) => taskKey(key.sk)));
      await batchDelete(deps.table.doc, deps.table.tableName, keys);
    }
  }
  await batchDelete(deps.table.doc, deps.table.tableName, [purgeKey(projectId)]);
  return true;
}

/**
 * `/projects/delete`: refuses while any task (export or generation) runs on the project, with seed
 * 003's message; otherwise removes the project and its name claim at once (it stops listing, the name is
 * free), then purges its objects and records, in the request until `deadline` and on the purge queue
 * after that. A project is never left half-deleted AND listed.
 *
 * Race-free against new tasks: the project is first marked `deleting` (tasks and registrations are
 * conditioned on its absence), then its running tasks are counted; with any, the mark is cleared again.
 * @returns `{purged: boolean}`: false when the rest continues on the queue
 * @throws 404 for a project that is not the caller's; 400 when `project_name` is not its name;
 *   409 "There are N tasks are running..."
 */
export async function deleteProject(
  deps: DatasetsDeps & { purgeQueue: QueueTarget }, owner: Owner, input: { project_id: string; project_name: string }, deadline: number,
): Promise<{ purged: boolean }> {
  const project = await findProject(deps.table, owner, input.project_id);
  if (!project) throw projectNotFound();
  if (project.project_name !== input.project_name) throw badRequest(`project_name does not match project ${project.project_id}`);
  await markDeleting(deps.table, owner, project.project_id, true);
  const running = await countRunningTasks(deps.table, project.project_id);
  if (running > 0) {
    await markDeleting(deps.table, owner, project.project_id, false);
    throw conflict(tasksRunningMessage(running));
  }
  try {
    await removeProjectItems(deps.table, owner, project);
  } catch (error) {
    if (conditionFailed(error, 'project')) throw projectNotFound();
    throw error;
  }
  metrics.addMetric('ProjectsDeleted', MetricUnit.Count, 1);
  const purged = await purgeProject(deps, keyOwnerOf(project, owner.sub), project.project_id, deadline);
  if (!purged) {
    const message: PurgeMessage = { owner: keyOwnerOf(project, owner.sub), project_id: project.project_id };
    await deps.purgeQueue.sqs.send(new SendMessageCommand({ QueueUrl: deps.purgeQueue.url, MessageBody: JSON.stringify(message) }));
    logger.info('project purge continues on the queue', { project_id: project.project_id });
  }
  return { purged };
}

/** Removes a project that could not be completed (e.g. a sample whose copy failed), with all it holds. */
export async function discardProject(deps: DatasetsDeps, owner: Owner, project: ProjectRecord): Promise<void> {
  await removeProjectItems(deps.table, owner, project);
  await purgeProject(deps, keyOwnerOf(project, owner.sub), project.project_id);
}
