import { datasetsDeps } from '../lib/deps';
import { listProjectsTyped } from '../lib/listing';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/list -> `{items: [{project_name: {S}, project_id: {S}, s3_prefix: {S}}]}`, newest first. */
export const handler = datasetsRoute(schema).handler(async ({ caller }) => listProjectsTyped(deps, caller));
