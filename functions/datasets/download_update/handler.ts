import { datasetsDeps } from '../lib/deps';
import { describeExport } from '../lib/exports';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();

/**
 * POST /projects/download_update, POST /dataflow/get_compress_download_task {task_id} ->
 * `{task_id, status: RUNNING|FINISH|ERROR, progress: {done, total}, s3_key, presign_url, ...}`.
 */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => describeExport(deps, caller, input.body.task_id));
