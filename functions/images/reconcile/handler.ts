import { dynamo, loadConfig, reconcilePending, s3, scheduleHandler, sqs, tablePendingCatalog } from '@darkroom/runtime';

const config = loadConfig({
  imagesTable: 'IMAGES_TABLE', originalsBucket: 'ORIGINALS_BUCKET', queueUrl: 'THUMBNAILS_QUEUE_URL',
  overdueAfterSeconds: 'RECONCILE_AFTER_SECONDS', region: 'AWS_REGION',
});
// Images wait as `pending` from the upload URL until the thumbnail worker records ready or failed.
const images = tablePendingCatalog(dynamo(), { tableName: config.imagesTable, sortKeyPrefix: 'IMAGE#', createdAttribute: 'created_at', waiting: ['pending'] });

/**
 * Scheduled (manifest: rate(5 minutes)): re-drives images still `pending` RECONCILE_AFTER_SECONDS after
 * their upload URL was issued whose original is in S3, and marks failed those whose original never
 * arrived (reconcilePending in @darkroom/runtime). Returns the sweep's counts.
 */
export const handler = scheduleHandler().handler(async ({ deadline }) => reconcilePending(
  { s3: s3(), sqs: sqs(), originalsBucket: config.originalsBucket, queueUrl: config.queueUrl, region: config.region },
  images,
  { overdueAfterSeconds: Number(config.overdueAfterSeconds), deadline },
));
