import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { tokenFields } from '../lib/schemas';
import { PROGRESS_BODY, TASK_ID } from '../lib/generation-schemas';

/** POST /generate/task_progress (seed 003 "Get Current Progress of Task"). */
export const schema = {
  body: { type: 'object', required: ['task_id'], properties: { ...tokenFields, task_id: TASK_ID }, additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Progress of a generation task',
  description: 'Status, outputs finished / total / failed, and the reference images chosen. Another user\'s task answers 404.',
  responses: { 200: { description: 'The task', body: PROGRESS_BODY } },
} as const satisfies RouteContract;
