import { datasetsDeps } from '../lib/deps';
import { listProjectsInfo } from '../lib/listing';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/list_info -> `[{project_name, project_id, s3_prefix, ls_task, groups}]`, newest first. */
export const handler = datasetsRoute(schema).handler(async ({ caller }) => listProjectsInfo(deps, caller));
