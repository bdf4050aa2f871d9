import { loadConfig, s3 } from '@darkroom/runtime';
import { datasetsTable, queueTarget } from './deps';
import type { GenerationDeps } from './generation';
import type { GenerationWorkerDeps } from './generation-worker';

/**
 * What the generation routes need: the datasets table and the generation queue, built once per cold start.
 * @throws ConfigError when DATASETS_TABLE or GENERATION_QUEUE_URL is missing
 */
export const generationDeps = (): GenerationDeps => ({ table: datasetsTable(), queue: queueTarget('GENERATION_QUEUE_URL') });

/**
 * What the generation worker needs: {@link generationDeps}, S3 and the datasets bucket.
 * @throws ConfigError naming every missing variable
 */
export function generationWorkerDeps(): GenerationWorkerDeps {
  const { bucket } = loadConfig({ bucket: 'DATASETS_BUCKET' });
  return { ...generationDeps(), s3: s3(), bucket };
}
