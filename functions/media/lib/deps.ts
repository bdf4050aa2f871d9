import { loadConfig, loadConfigMap, s3, sqs } from '@darkroom/runtime';
import type { PipelineDeps } from './pipeline';

/** Prefix of the variables that name each media service's thumbnail-events queue (one per service, from the manifest). */
export const EVENT_QUEUE_PREFIX = 'THUMBNAIL_EVENTS_QUEUE_URL_';

/**
 * The thumbnail worker's configuration and clients, built once per cold start.
 * @throws ConfigError when THUMBNAILS_BUCKET is missing
 */
export function pipelineDeps(): PipelineDeps {
  const { thumbnailsBucket } = loadConfig({ thumbnailsBucket: 'THUMBNAILS_BUCKET' });
  return { s3: s3(), sqs: sqs(), thumbnailsBucket, eventQueues: loadConfigMap(EVENT_QUEUE_PREFIX) };
}
