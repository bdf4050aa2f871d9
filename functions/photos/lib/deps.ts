import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { dynamo, loadConfig, s3, sqs } from '@darkroom/runtime';
import { PhotosRepository } from './records';

/**
 * The photos table repository, built once per cold start (the thumbnail worker uses this one).
 * @throws ConfigError when PHOTOS_TABLE is missing
 */
export function photosRepository(): PhotosRepository {
  const { photosTable } = loadConfig({ photosTable: 'PHOTOS_TABLE' });
  return new PhotosRepository(dynamo(), photosTable);
}

/** What every photos route needs. */
export interface PhotosDeps {
  s3: S3Client;
  photos: PhotosRepository;
  originalsBucket: string;
  thumbnailsBucket: string;
}

/** What unpacking archives needs besides: the archives bucket, and (for the route that queues jobs) the unzip queue. */
export interface UnzipDeps extends PhotosDeps {
  archivesBucket: string;
  queue?: { sqs: SQSClient; url: string };
}

/**
 * The photos service's configuration and clients, built once per cold start.
 * @throws ConfigError when PHOTOS_TABLE, ORIGINALS_BUCKET or THUMBNAILS_BUCKET is missing
 */
export function photosDeps(): PhotosDeps {
  const config = loadConfig({ originalsBucket: 'ORIGINALS_BUCKET', thumbnailsBucket: 'THUMBNAILS_BUCKET' });
  return { ...config, s3: s3(), photos: photosRepository() };
}

/**
 * {@link photosDeps} plus ARCHIVES_BUCKET, and UNZIP_QUEUE_URL when `withQueue` (the route; the worker reads the queue, it does not send).
 * @throws ConfigError naming every missing variable
 */
export function unzipDeps(withQueue: boolean): UnzipDeps {
  const { archivesBucket } = loadConfig({ archivesBucket: 'ARCHIVES_BUCKET' });
  const queue = withQueue ? { sqs: sqs(), url: loadConfig({ url: 'UNZIP_QUEUE_URL' }).url } : undefined;
  return { ...photosDeps(), archivesBucket, queue };
}
