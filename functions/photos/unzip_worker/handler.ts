import { queueHandler } from '@darkroom/runtime';
import { unzipDeps } from '../lib/deps';
import { runUnzipJob, type UnzipMessage } from '../lib/unzip';

const deps = unzipDeps(false);

/**
 * The unzip worker (`unzip` queue, one job per message): unpacks an archive too large for a request.
 * Idempotent per job: a redelivered or duplicated message does not unpack the archive twice.
 */
export const handler = queueHandler<UnzipMessage>({ idempotency: { key: (message) => `unzip:${message.job_id}` } })
  .handler(async ({ message, attempt }) => runUnzipJob(deps, message, attempt));
