import { datasetsDeps } from '../lib/deps';
import { listProjectData } from '../lib/listing';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/list_data {project_id, type_method, num_limit?, next_token?} -> `{items: [{filename, s3_key, gen_id, classtype}], next_token, next_cursor}`. */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => listProjectData(deps, caller, input.body));
