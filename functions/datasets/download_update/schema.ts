import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { downloadTask, taskId, tokenFields } from '../lib/schemas';

/** POST /projects/download_update and /dataflow/get_compress_download_task (seed 003). */
export const schema = {
  body: { type: 'object', properties: { ...tokenFields, task_id: taskId }, required: ['task_id'], additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Export progress',
  description: "An export's status and progress; once FINISH, the zip's key and a presigned GET valid one hour (null while RUNNING). Another user's task is 404.",
  responses: { 200: { description: 'The export task', body: downloadTask } },
} as const satisfies RouteContract;
