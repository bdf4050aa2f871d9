import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { tokenFields } from '../lib/schemas';
import { PROGRESS_BODY, TASK_ID } from '../lib/generation-schemas';

/** POST /generate/task_cancel (Darkroom: lets /projects/delete's "stop all tasks" be acted on). */
export const schema = {
  body: { type: 'object', required: ['task_id'], properties: { ...tokenFields, task_id: TASK_ID }, additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Cancel a running generation task',
  description: 'The task ends CANCELLED; workers stop before their next image. Images already generated stay in their group. 404: unknown or another user\'s task; 409: the task is no longer running.',
  responses: { 200: { description: 'The task, now CANCELLED', body: PROGRESS_BODY } },
} as const satisfies RouteContract;
