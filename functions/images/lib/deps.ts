import { dynamo, loadConfig, s3 } from '@darkroom/runtime';
import { ImagesRepository } from './records';

/**
 * The images service's configuration and clients, built once per cold start.
 * @throws ConfigError when IMAGES_TABLE, ORIGINALS_BUCKET or THUMBNAILS_BUCKET is missing
 */
export function imagesDeps() {
  const config = loadConfig({ imagesTable: 'IMAGES_TABLE', originalsBucket: 'ORIGINALS_BUCKET', thumbnailsBucket: 'THUMBNAILS_BUCKET' });
  return { ...config, s3: s3(), images: new ImagesRepository(dynamo(), config.imagesTable) };
}
