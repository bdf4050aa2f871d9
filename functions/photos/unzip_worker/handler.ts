import { loadConfig, queueHandler } from '@darkroom/runtime';
import { unzipDeps } from '../lib/deps';
import { runUnzipJob, type UnzipMessage } from '../lib/unzip';

const deps = unzipDeps(false);
/** The unzip queue's maxReceiveCount (functions/manifest.json), so the last attempt can close the job. */
const { maxReceiveCount } = loadConfig({ maxReceiveCount: 'UNZIP_MAX_RECEIVE_COUNT' });

/**
 * The unzip worker (`unzip` queue, one job per message): unpacks an archive too large for a request.
 * Idempotent per job: a redelivered or duplicated message does not unpack the archive twice.
 */
export const handler = queueHandler<UnzipMessage>({ idempotency: { key: (message) => `unzip:${message.job_id}` } })
  .handler(async ({ message, record }) => runUnzipJob(deps, message, {
    number: Number(record.attributes.ApproximateReceiveCount), max: Number(maxReceiveCount),
  }));
