import { queueHandler } from '@darkroom/runtime';
import type { S3Event } from 'aws-lambda';
import { pipelineDeps } from '../lib/deps';
import { notificationKey, processNotification } from '../lib/pipeline';

const deps = pipelineDeps();

/**
 * The thumbnail worker (thumbnails queue, fed by the originals bucket's ObjectCreated notifications):
 * one thumbnail per original, whichever service owns it; the outcome goes to that service's
 * thumbnail-events queue. Idempotent per object version.
 */
export const handler = queueHandler<Partial<S3Event>>({ idempotency: { key: (event) => notificationKey(event) } })
  .handler(async ({ message }) => processNotification(deps, message));
