import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { projectId, projectName, tokenFields } from '../lib/schemas';

/** POST /projects/download_create and /dataflow/create_compress_download_task (seed 003). */
export const schema = {
  body: {
    type: 'object',
    properties: {
      ...tokenFields,
      down_type: { type: 'string', enum: ['ALL', 'ORIGINAL', 'PREPROCESS', 'AUGMENT'] },
      project_id: projectId,
      project_name: projectName,
    },
    required: ['down_type', 'project_id', 'project_name'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Start a zip export',
  description: 'Queues an export of a group (or ALL) into one zip, entries `<TYPE>/<classtype>/<filename>` once split. '
    + 'An identical export of unchanged data returns the same task (and zip). An empty group is 400.',
  responses: { 200: { description: 'The export task', body: { type: 'object', properties: { task_id: { type: 'string' } }, required: ['task_id'] } } },
} as const satisfies RouteContract;
