import { startGeneration } from '../lib/generation';
import { generationDeps } from '../lib/generation-deps';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = generationDeps();

/** POST /generate/images -> `{task_id, times_generated}`; the work runs on the generation queue. */
export const handler = datasetsRoute(schema, { idempotency: true }).handler(async ({ caller, input }) => startGeneration(deps, caller, input.body));
