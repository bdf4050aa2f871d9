import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { description, projectName, projectRef, tokenFields } from '../lib/schemas';

/** POST /projects/create (seed 003). */
export const schema = {
  body: {
    type: 'object',
    properties: { ...tokenFields, project_name: projectName, project_info: description },
    required: ['project_name'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Create a project',
  description: 'Creates an empty project. Names are unique per user (case-sensitive); a duplicate, even under concurrent requests, is 409.',
  responses: { 200: { description: 'The new project: `project_id` is `<project_name>_<32 hex>`', body: projectRef } },
} as const satisfies RouteContract;
