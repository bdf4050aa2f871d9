import { loadConfig } from '@darkroom/runtime';
import { datasetsDeps } from '../lib/deps';
import { datasetsRoute } from '../lib/route';
import { createSampleProject } from '../lib/samples';
import { schema } from './schema';

const deps = { ...datasetsDeps(), ...loadConfig({ samplesBucket: 'SAMPLES_BUCKET' }) };

/** POST /projects/create_sample {project_info?} -> `{project_id: "prj_sample_<hex>", s3_prefix}`; 409 for a second one. */
export const handler = datasetsRoute(schema)
  .handler(async ({ caller, input }) => createSampleProject(deps, caller, input.body.project_info));
