import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { projectBody, projectName } from '../lib/schemas';

/** POST /projects/delete (seed 003). */
export const schema = {
  body: projectBody({ project_name: projectName }, ['project_name']),
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Delete a project',
  description: 'Refuses with 409 "There are N tasks are running. Please stop all tasks before deleting the project!" while tasks run. '
    + 'Otherwise the project stops listing and its name is free at once; its objects and records are purged in the request, '
    + 'or, for a large project, continue on the purge queue (`purged: false`).',
  responses: {
    200: { description: 'Deleted', body: { type: 'object', properties: { purged: { type: 'boolean' } }, required: ['purged'] } },
  },
} as const satisfies RouteContract;
