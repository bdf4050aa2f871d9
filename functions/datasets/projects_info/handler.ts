import { datasetsDeps } from '../lib/deps';
import { projectInfo } from '../lib/listing';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/info {project_name | project_id} -> `{identity_id, project_name, project_id, times_generated, ls_task, groups}`. */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => projectInfo(deps, caller, input.body));
