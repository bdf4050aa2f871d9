import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { dynamo, loadConfig, s3, sqs } from '@darkroom/runtime';
import type { DatasetsTable } from './table';

/**
 * The datasets table, built once per cold start (generation workers use this one too).
 * @throws ConfigError when DATASETS_TABLE is missing
 */
export function datasetsTable(): DatasetsTable {
  const { tableName } = loadConfig({ tableName: 'DATASETS_TABLE' });
  return { doc: dynamo(), tableName };
}

/** What every datasets route needs: the table, S3 and the bucket that holds the projects' objects. */
export interface DatasetsDeps {
  table: DatasetsTable;
  s3: S3Client;
  /** The datasets bucket (DATASETS_BUCKET): `<sub>/<project_id>/...` */
  bucket: string;
}

/**
 * The datasets service's configuration and clients, built once per cold start.
 * @throws ConfigError when DATASETS_TABLE or DATASETS_BUCKET is missing
 */
export function datasetsDeps(): DatasetsDeps {
  const { bucket } = loadConfig({ bucket: 'DATASETS_BUCKET' });
  return { table: datasetsTable(), s3: s3(), bucket };
}

/** A queue a route sends to. */
export interface QueueTarget { sqs: SQSClient; url: string }

/**
 * {@link datasetsDeps} plus a queue URL from `variable` (EXPORT_QUEUE_URL, PURGE_QUEUE_URL).
 * @throws ConfigError naming every missing variable
 */
export function queueTarget(variable: string): QueueTarget {
  const { url } = loadConfig({ url: variable });
  return { sqs: sqs(), url };
}
