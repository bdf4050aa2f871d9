import { dynamo, loadConfig } from '@darkroom/runtime';
import { PhotosRepository } from './records';

/**
 * The photos table repository, built once per cold start.
 * @throws ConfigError when PHOTOS_TABLE is missing
 */
export function photosRepository(): PhotosRepository {
  const { photosTable } = loadConfig({ photosTable: 'PHOTOS_TABLE' });
  return new PhotosRepository(dynamo(), photosTable);
}
