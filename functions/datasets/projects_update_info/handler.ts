import { datasetsDeps } from '../lib/deps';
import { updateProjectInfo } from '../lib/listing';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/update_info {cur_project_name, new_project_name?, new_description?} -> the project after the change. */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => updateProjectInfo(deps, caller, input.body.cur_project_name, {
  newProjectName: input.body.new_project_name, newDescription: input.body.new_description,
}));
