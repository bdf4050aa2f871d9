import { datasetsDeps, queueTarget } from '../lib/deps';
import { DELETE_INLINE_BUDGET_MS } from '../lib/limits';
import { deleteProject } from '../lib/removal';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = { ...datasetsDeps(), purgeQueue: queueTarget('PURGE_QUEUE_URL') };

/** POST /projects/delete {project_id, project_name} -> `{purged}`; 409 while tasks run. */
export const handler = datasetsRoute(schema).handler(async ({ caller, input, context }) => {
  const deadline = Date.now() + Math.min(DELETE_INLINE_BUDGET_MS, context.getRemainingTimeInMillis() - 5_000);
  return deleteProject(deps, caller, input.body, deadline);
});
