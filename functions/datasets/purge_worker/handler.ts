import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { logger, queueHandler } from '@darkroom/runtime';
import { datasetsDeps, queueTarget } from '../lib/deps';
import { purgeProject, type PurgeMessage } from '../lib/removal';

const deps = datasetsDeps();
const queue = queueTarget('PURGE_QUEUE_URL');

/**
 * The purge worker (`dataset-purges` queue): removes what a deleted project still holds. Purging is
 * idempotent (it deletes what is left); when the time runs short it queues the rest as a new message.
 */
export const handler = queueHandler<PurgeMessage>().handler(async ({ message }) => {
  const done = await purgeProject(deps, message.owner, message.project_id, Date.now() + 40_000);
  if (!done) {
    await queue.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(message) }));
    logger.info('project purge continues in a new message', { project_id: message.project_id });
  }
});
