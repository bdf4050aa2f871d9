import { identityStore, metrics, MetricUnit } from '@darkroom/runtime';
import { datasetsDeps } from '../lib/deps';
import { identityIdOf } from '../lib/identity';
import { createProject } from '../lib/projects';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = datasetsDeps();
const identities = identityStore();

/**
 * POST /projects/create {project_name, project_info?} -> `{project_id, s3_prefix}`, `s3_prefix` being
 * `<bucket>/<identity_id>/<project_id>`, where the caller's temporary credentials may write; 409 for a
 * name the caller already uses.
 */
export const handler = datasetsRoute(schema, { idempotency: true }).handler(async ({ caller, input }) => {
  const project = await createProject(deps.table, caller, {
    projectName: input.body.project_name, description: input.body.project_info, bucket: deps.bucket, identityId: await identityIdOf(identities, caller),
  });
  metrics.addMetric('ProjectsCreated', MetricUnit.Count, 1);
  return { project_id: project.project_id, s3_prefix: project.s3_prefix };
});
