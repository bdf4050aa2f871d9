import { datasetsTable } from '../lib/deps';
import { cancelGeneration } from '../lib/generation';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const table = datasetsTable();

/** POST /generate/task_cancel `{task_id}` -> the task, CANCELLED. */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => cancelGeneration(table, caller, input.body.task_id));
