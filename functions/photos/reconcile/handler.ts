import { dynamo, loadConfig, reconcilePending, s3, scheduleHandler, sqs, tablePendingCatalog } from '@darkroom/runtime';

const config = loadConfig({
  photosTable: 'PHOTOS_TABLE', originalsBucket: 'ORIGINALS_BUCKET', queueUrl: 'THUMBNAILS_QUEUE_URL',
  overdueAfterSeconds: 'RECONCILE_AFTER_SECONDS', region: 'AWS_REGION',
});
// Photos wait as `pending` (presigned upload issued) or `processing` (stored by the API or an unzip job)
// until the thumbnail worker records ready or failed.
const photos = tablePendingCatalog(dynamo(), {
  tableName: config.photosTable, sortKeyPrefix: 'PHOTO#', createdAttribute: 'uploaded_at', waiting: ['pending', 'processing'],
});

/**
 * Scheduled (manifest: rate(5 minutes)): re-drives photos still waiting for their thumbnail
 * RECONCILE_AFTER_SECONDS after upload whose original is in S3, and marks failed those whose original
 * never arrived (reconcilePending in @darkroom/runtime). Returns the sweep's counts.
 */
export const handler = scheduleHandler().handler(async ({ deadline }) => reconcilePending(
  { s3: s3(), sqs: sqs(), originalsBucket: config.originalsBucket, queueUrl: config.queueUrl, region: config.region },
  photos,
  { overdueAfterSeconds: Number(config.overdueAfterSeconds), deadline },
));
