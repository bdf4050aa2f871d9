import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { logger, metrics, MetricUnit, queryPages } from '@darkroom/runtime';
import { ZipArchive } from 'archiver';
import type { DatasetsDeps } from './deps';
import { entryName, groupsOfDownType, type DownType, type ExportMessage } from './exports';
import { EXPORT_PART_SIZE, EXPORT_PREFETCH, EXPORT_PROGRESS_EVERY, EXPORT_QUEUE_SIZE } from './limits';
import { dataPartition, keyOwnerOf, projectPrefix, type DataRecord, type TaskRecord, type TypeMethod } from './model';
import type { DatasetsTable } from './table';
import { finishTask, getTask, isActive, setTaskProgress } from './tasks';

/**
 * The export worker's side of zip exports (kept apart from exports.ts so the routes do not bundle
 * archiver): streaming a task's groups into one zip in S3.
 */

/** Reads a group's records page by page (100 at a time), so an export of any size holds one page. */
async function* groupRecords(table: DatasetsTable, projectId: string, type: TypeMethod): AsyncGenerator<DataRecord> {
  for await (const page of queryPages<DataRecord>(table.doc, {
    TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': dataPartition(projectId, type) },
    Limit: 100, ConsistentRead: true,
  })) yield* page;
}

/** What {@link writeZip} wrote. */
export interface ZipResult { entries: number; skipped: string[]; bytes: number }

/** One file to put in the zip: its entry name, and how to open its bytes (called shortly before its turn). */
export interface ZipSource { name: string; open: () => Promise<Readable | undefined> }

/** A source whose object is being opened ahead of its turn. */
interface Opening { name: string; stream: Promise<Readable | undefined> }

/**
 * Streams `sources` into one zip written to S3 with a multipart upload (archiver + lib-storage's
 * Upload). Entries go in one at a time; the next `prefetch` objects are opened (their GetObject sent)
 * while the current one streams, which hides S3's per-request latency, and an opened response waits
 * under backpressure until its turn, holding only what its socket buffers. Memory stays at about
 * `partSize x (queueSize + 1)` plus `prefetch` socket buffers, whatever the export's size.
 * Entries are STORED (images are already compressed; deflating them costs CPU for ~1%); ZIP64 kicks in
 * by itself past 4 GiB or 65,535 entries.
 * @param onEntry - called after each entry (progress)
 * @returns entries written, sources skipped (`open` gave undefined: the object vanished), zip bytes
 */
export async function writeZip(
  s3: S3Client, target: { bucket: string; key: string }, sources: AsyncIterable<ZipSource>,
  onEntry: (written: number) => Promise<void> = async () => undefined,
  options: { partSize?: number; queueSize?: number; prefetch?: number } = {},
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
  const iterator = sources[Symbol.asyncIterator]();
  const ahead: Opening[] = [];
  let exhausted = false;
  const fill = async (depth: number) => {
    while (!exhausted && ahead.length < depth) {
      const next = await iterator.next();
      if (next.done) { exhausted = true; return; }
      const stream = next.value.open();
      stream.catch(() => undefined); // awaited in its turn; this only keeps an early failure from going unhandled
      ahead.push({ name: next.value.name, stream });
    }
  };
  // The entry being written plus `prefetch` opened ahead of it.
  const depth = (options.prefetch ?? EXPORT_PREFETCH) + 1;
  try {
    for (;;) {
      await fill(depth);
      const source = ahead.shift();
      if (!source) break;
      if (failure) throw failure;
      const stream = await source.stream;
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
    for (const opening of ahead) void opening.stream.then((stream) => stream?.destroy(), () => undefined);
    archive.abort();
    body.destroy();
    await upload.abort().catch(() => undefined);
    await uploaded.catch(() => undefined);
    throw error;
  }
  return { entries, skipped, bytes: archive.pointer() };
}

/** Opens an object of the datasets bucket as a stream, or undefined when it no longer exists. */
export const openObject = (s3: S3Client, bucket: string, key: string) => async (): Promise<Readable | undefined> => {
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Body as Readable;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
};

/** The zip's key: `<identity id>/<project_id>/download/<task_id>/<project_name>_<down_type>.zip` (under the project's prefix). */
export const exportObjectKey = (task: TaskRecord): string =>
  `${projectPrefix(keyOwnerOf(task, task.identity_id), task.project_id)}download/${task.task_id}/${task.project_name.replace(/[^A-Za-z0-9_.-]+/g, '_')}_${String(task.down_type)}.zip`;

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
