import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { groupDetail, groupsMap, projectId, projectName, tokenFields } from '../lib/schemas';

/**
 * POST /projects/info (seed 003 names the project by `project_name`); `project_id`, which every other
 * project route takes, names it too. One of them is required (400 naming both otherwise); with both,
 * they must be the same project's.
 */
export const schema = {
  body: {
    type: 'object',
    properties: { ...tokenFields, project_name: projectName, project_id: projectId },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Project details',
  description: 'A project, by `project_name` (seed 003) or by `project_id` as the other project routes take it (with both, they must name the same project: else 400): its running task ids, dataset version (`times_generated`) and groups with `data_number` (`[train, val, test]`, null until split); `groups` is null while it holds no data.',
  responses: {
    200: {
      description: 'The project',
      body: {
        type: 'object',
        properties: {
          identity_id: { type: 'string' }, project_name: { type: 'string' }, project_id: { type: 'string' },
          description: { type: 'string' }, is_sample: { type: 'boolean' },
          times_generated: { type: 'integer' }, ls_task: { type: 'array', items: { type: 'string' } },
          groups: { anyOf: [groupsMap(groupDetail), { type: 'null' }] },
        },
        required: ['identity_id', 'project_name', 'project_id', 'times_generated', 'ls_task', 'groups'],
      },
    },
  },
} as const satisfies RouteContract;
