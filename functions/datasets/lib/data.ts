import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  backoff, badRequest, batchGet, conditionFailed, isTransient, queryAll, serviceUnavailable, transactWrite, type TransactAction,
} from '@darkroom/runtime';
import { MAX_TRANSACTION_ATTEMPTS, REGISTER_BATCH } from './limits';
import {
  countAttribute, dataKey, dataPartition, projectKey, sizeAttribute, TYPE_METHODS,
  type ClassType, type DataRecord, type ProjectRecord, type TypeMethod,
} from './model';
import { projectConditionError, type Owner } from './projects';
import type { DatasetsTable } from './table';

/** One object to register into a group. */
export interface NewData {
  filename: string;
  /** Object key in the datasets bucket (see `objectKey()`). */
  key: string;
  /** Bytes (S3's ContentLength for uploads). */
  size: number;
  hash: string;
  /** True for uploads (default), false for generated images. */
  is_ori?: boolean;
  /** Id of the generation that made it ('' for uploads). */
  gen_id?: string;
  /** TRAIN / VAL / TEST once split, else null. */
  classtype?: ClassType | null;
  details?: Record<string, unknown>;
}

/** What a registration did: objects new to the group, and objects replaced (same filename). */
export interface RegisterResult { created: number; replaced: number }

/** The project a data operation targets: its owner and id. */
export interface ProjectRef { owner: Owner; projectId: string }

/** The project counter update shared by registrations and removals. */
function counterUpdate(table: DatasetsTable, ref: ProjectRef, type: TypeMethod, countDelta: number, sizeDelta: number) {
  return {
    Update: {
      TableName: table.tableName,
      Key: projectKey(ref.owner.sub, ref.projectId),
      UpdateExpression: 'ADD #count :count, #size :size, data_version :one SET updated_at = :now',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting)',
      ExpressionAttributeNames: { '#count': countAttribute(type), '#size': sizeAttribute(type) },
      ExpressionAttributeValues: { ':count': countDelta, ':size': sizeDelta, ':one': 1, ':now': new Date().toISOString() },
    },
  };
}

/** The project's state, to tell "gone" from "being deleted" after its condition failed. */
async function projectState(table: DatasetsTable, ref: ProjectRef): Promise<ProjectRecord | undefined> {
  const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: projectKey(ref.owner.sub, ref.projectId), ConsistentRead: true }));
  return Item as ProjectRecord | undefined;
}

/**
 * Runs one optimistic batch: reads the current items, builds the transaction from them, and retries from
 * the read when a data item changed meanwhile (condition failed) or another transaction held an item
 * (TransactionConflict), with backoff.
 * @throws 404/409 when the project's own condition fails (gone, or being deleted); 503 (Retry-After)
 *   when the items keep changing or stay locked for {@link MAX_TRANSACTION_ATTEMPTS} attempts
 */
async function optimistic<R>(
  table: DatasetsTable, ref: ProjectRef, type: TypeMethod, filenames: string[],
  build: (current: Map<string, DataRecord>) => { data: TransactAction[]; project?: TransactAction; result: R },
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const items = await batchGet<DataRecord>(table.doc, table.tableName, filenames.map((name) => dataKey(ref.projectId, type, name)));
    const current = new Map(items.map((item) => [item.filename, item]));
    const plan = build(current);
    if (plan.data.length === 0) return plan.result;
    try {
      await transactWrite(table.doc, [...plan.data.map((action, i) => [`data${i}`, action] as const), ['project', plan.project]]);
      return plan.result;
    } catch (error) {
      const transient = isTransient(error);
      if (!transient && !conditionFailed(error)) throw error;
      if (!transient && conditionFailed(error, 'project')) throw projectConditionError(await projectState(table, ref));
      if (attempt + 1 >= MAX_TRANSACTION_ATTEMPTS) throw serviceUnavailable('The group kept changing meanwhile: retry the request');
      await backoff(attempt);
    }
  }
}

/**
 * Registers objects into a project's group (seed 003's upload_update, and the generation workers'
 * outputs). Each batch of up to 99 objects is one transaction: the data items (put, conditioned on the
 * version read just before) and one ADD of the group's count and size on the project, so the counters
 * always equal a recount. Re-registering a filename replaces it and moves the size by the difference.
 * Duplicate filenames in one call: the last one wins.
 * @returns how many objects were new and how many replaced
 * @throws 404 when the project is gone; 409 while it is being deleted
 */
export async function registerData(table: DatasetsTable, ref: ProjectRef, type: TypeMethod, objects: NewData[]): Promise<RegisterResult> {
  const unique = [...new Map(objects.map((object) => [object.filename, object])).values()];
  const total: RegisterResult = { created: 0, replaced: 0 };
  for (let offset = 0; offset < unique.length; offset += REGISTER_BATCH) {
    const batch = unique.slice(offset, offset + REGISTER_BATCH);
    const result = await optimistic(table, ref, type, batch.map((o) => o.filename), (current) => {
      let countDelta = 0;
      let sizeDelta = 0;
      const now = new Date().toISOString();
      const data: TransactAction[] = batch.map((object) => {
        const previous = current.get(object.filename);
        countDelta += previous ? 0 : 1;
        sizeDelta += object.size - (previous?.size ?? 0);
        const item: DataRecord = {
          ...dataKey(ref.projectId, type, object.filename),
          project_id: ref.projectId, type_method: type, filename: object.filename, key: object.key,
          size: object.size, hash: object.hash, is_ori: object.is_ori ?? true, gen_id: object.gen_id ?? '',
          classtype: object.classtype ?? null, version: (previous?.version ?? 0) + 1, updated_at: now,
          ...(object.details ? { details: object.details } : {}),
        };
        return {
          Put: {
            TableName: table.tableName, Item: item,
            ...(previous
              ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        };
      });
      return { data, project: counterUpdate(table, ref, type, countDelta, sizeDelta), result: { created: countDelta, replaced: batch.length - countDelta } };
    });
    total.created += result.created;
    total.replaced += result.replaced;
  }
  return total;
}

/**
 * Registers one object into a group: the entry point of the generation workers (`is_ori: false`,
 * `gen_id`, `classtype`). See {@link registerData}.
 */
export const registerObject = (table: DatasetsTable, ref: ProjectRef, type: TypeMethod, object: NewData): Promise<RegisterResult> =>
  registerData(table, ref, type, [object]);

/** What {@link removeData} did. */
export interface RemoveResult { removed: DataRecord[]; missing: string[] }

/**
 * Removes records from a group and moves its counters by what was really stored (not the client's
 * sizes), in transactions of up to 99 records like {@link registerData}. Names that are not in the group
 * are reported in `missing`. The caller deletes the objects of `removed` from S3 afterwards.
 * @throws 404 when the project is gone; 409 while it is being deleted
 */
export async function removeData(table: DatasetsTable, ref: ProjectRef, type: TypeMethod, filenames: string[]): Promise<RemoveResult> {
  const unique = [...new Set(filenames)];
  const outcome: RemoveResult = { removed: [], missing: [] };
  for (let offset = 0; offset < unique.length; offset += REGISTER_BATCH) {
    const batch = unique.slice(offset, offset + REGISTER_BATCH);
    const result = await optimistic(table, ref, type, batch, (current) => {
      const removed = batch.flatMap((name) => current.get(name) ?? []);
      const missing = batch.filter((name) => !current.has(name));
      if (!removed.length) return { data: [], result: { removed, missing } };
      const data: TransactAction[] = removed.map((item) => ({
        Delete: {
          TableName: table.tableName, Key: dataKey(ref.projectId, type, item.filename),
          ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': item.version },
        },
      }));
      return { data, project: counterUpdate(table, ref, type, -removed.length, -removed.reduce((sum, item) => sum + item.size, 0)), result: { removed, missing } };
    });
    outcome.removed.push(...result.removed);
    outcome.missing.push(...result.missing);
  }
  return outcome;
}

/** The seed's `next_token`: where the next page of a group starts. */
export interface DataPageToken { filename: string; project_id: string }

/** A page of a group, and the token of the next page (null on the last). */
export interface DataPage { items: DataRecord[]; next_token: DataPageToken | null }

/**
 * One page of a group in filename order. Reads `limit + 1` items so the last page says so
 * (`next_token: null`) instead of handing out a token to an empty page.
 * @param after - the previous page's `next_token`; it must name this project, else 400
 * @throws 400 for a token of another project (or user)
 */
export async function listData(table: DatasetsTable, projectId: string, type: TypeMethod, limit: number, after?: DataPageToken): Promise<DataPage> {
  if (after && after.project_id !== projectId) throw badRequest('next_token belongs to another project');
  const page = await table.doc.send(new QueryCommand({
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': dataPartition(projectId, type) },
    ExclusiveStartKey: after ? dataKey(projectId, type, after.filename) : undefined,
    Limit: limit + 1,
    ConsistentRead: true,
  }));
  const items = (page.Items ?? []) as DataRecord[];
  // More items exist when the Query found more than a page, or stopped at its 1 MB cap.
  const more = items.length > limit || Boolean(page.LastEvaluatedKey);
  const shown = items.slice(0, limit);
  return { items: shown, next_token: more && shown.length ? { filename: shown[shown.length - 1]!.filename, project_id: projectId } : null };
}

/**
 * Which of `filenames` already exist in the group, with their stored sizes (BatchGetItem, 100 keys a
 * request, unprocessed keys retried).
 */
export async function existingData(table: DatasetsTable, projectId: string, type: TypeMethod, filenames: string[]): Promise<Array<{ filename: string; size: number }>> {
  const unique = [...new Set(filenames)];
  const found = await batchGet<DataRecord>(table.doc, table.tableName, unique.map((name) => dataKey(projectId, type, name)), { projection: ['filename', 'size'] });
  const byName = new Map(found.map((item) => [item.filename, item.size]));
  return unique.filter((name) => byName.has(name)).map((filename) => ({ filename, size: byName.get(filename)! }));
}

/** Every record of a group (for exports, purges and recounts; pages through the whole partition). */
export const allData = (table: DatasetsTable, projectId: string, type: TypeMethod): Promise<DataRecord[]> =>
  queryAll<DataRecord>(table.doc, { TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': dataPartition(projectId, type) }, ConsistentRead: true });

/** Counts and sizes of every group from its records: what the project's counters must equal. */
export async function recountGroups(table: DatasetsTable, projectId: string): Promise<Record<TypeMethod, { count: number; size: number }>> {
  const counts = {} as Record<TypeMethod, { count: number; size: number }>;
  for (const type of TYPE_METHODS) {
    const items = await allData(table, projectId, type);
    counts[type] = { count: items.length, size: items.reduce((sum, item) => sum + item.size, 0) };
  }
  return counts;
}
