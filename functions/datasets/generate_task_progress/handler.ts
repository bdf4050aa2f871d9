import { datasetsTable } from '../lib/deps';
import { progressOf, requireGeneration } from '../lib/generation';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const table = datasetsTable();

/** POST /generate/task_progress `{task_id}` -> the task's status and counts. */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => progressOf(await requireGeneration(table, caller, input.body.task_id)));
