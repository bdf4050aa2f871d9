import { identityStore, loadConfig } from '@darkroom/runtime';
import { datasetsDeps } from '../lib/deps';
import { identityIdOf } from '../lib/identity';
import { datasetsRoute } from '../lib/route';
import { createSampleProject } from '../lib/samples';
import { schema } from './schema';

const deps = { ...datasetsDeps(), ...loadConfig({ samplesBucket: 'SAMPLES_BUCKET' }) };
const identities = identityStore();

/** POST /projects/create_sample {project_info?} -> `{project_id: "prj_sample_<hex>", s3_prefix}`; 409 for a second one. */
export const handler = datasetsRoute(schema)
  .handler(async ({ caller, input }) => createSampleProject(deps, caller, await identityIdOf(identities, caller), input.body.project_info));
