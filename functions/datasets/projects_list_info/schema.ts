import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { groupsMap, groupSummary, runningTask, tokenFields } from '../lib/schemas';

/** POST /projects/list_info (seed 003): no fields besides the tokens. */
export const schema = {
  body: { type: 'object', properties: { ...tokenFields }, additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'List projects with their tasks and groups',
  description: 'Every project, newest first, with its running tasks (`ls_task`) and the groups that hold data (count and size in bytes; `{}` when empty).',
  responses: {
    200: {
      description: 'The projects',
      body: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            project_name: { type: 'string' }, project_id: { type: 'string' }, s3_prefix: { type: 'string' },
            ls_task: { type: 'array', items: runningTask }, groups: groupsMap(groupSummary),
          },
          required: ['project_name', 'project_id', 's3_prefix', 'ls_task', 'groups'],
        },
      },
    },
  },
} as const satisfies RouteContract;
