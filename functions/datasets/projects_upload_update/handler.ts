import { datasetsDeps } from '../lib/deps';
import { datasetsRoute } from '../lib/route';
import { registerUploads } from '../lib/uploads';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/upload_update {project_id, project_name, type_method?, ls_object_info} -> `{created, replaced}`. */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => registerUploads(deps, caller, input.body));
