import { datasetsDeps } from '../lib/deps';
import { checkUploadNames } from '../lib/listing';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/upload_check {project_id, ls_filename} -> `[{filename: {S}, size: {N}}]` for the names that exist. */
export const handler = datasetsRoute(schema)
  .handler(async ({ caller, input }) => checkUploadNames(deps, caller, input.body.project_id, input.body.ls_filename));
