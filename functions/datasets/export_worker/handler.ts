import { queueHandler } from '@darkroom/runtime';
import { datasetsDeps } from '../lib/deps';
import { runExport } from '../lib/export-job';
import type { ExportMessage } from '../lib/exports';

const deps = datasetsDeps();

/**
 * The export worker (`dataset-exports` queue, one task per message): streams the task's groups into one
 * zip in S3. Idempotent per task: a redelivered or duplicated message does not export twice.
 */
export const handler = queueHandler<ExportMessage>({ idempotency: { key: (message) => `export:${message.task_id}` } })
  .handler(async ({ message, attempt }) => runExport(deps, message, attempt));
