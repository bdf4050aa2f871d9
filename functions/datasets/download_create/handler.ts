import { datasetsDeps, queueTarget } from '../lib/deps';
import { createExport } from '../lib/exports';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = { ...datasetsDeps(), exportQueue: queueTarget('EXPORT_QUEUE_URL') };

/**
 * POST /projects/download_create, POST /dataflow/create_compress_download_task
 * {down_type: ALL|ORIGINAL|PREPROCESS|AUGMENT, project_id, project_name} -> `{task_id}`.
 */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => createExport(deps, caller, input.body));
