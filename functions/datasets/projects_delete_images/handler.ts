import { datasetsDeps } from '../lib/deps';
import { deleteImages } from '../lib/removal';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/delete_images {project_id, ls_object_info: [{filename, type_method, size?}]} -> `{deleted, not_found}`. */
export const handler = datasetsRoute(schema)
  .handler(async ({ caller, input }) => deleteImages(deps, caller, input.body.project_id, input.body.ls_object_info));
