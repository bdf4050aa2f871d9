import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { description, projectName, tokenFields } from '../lib/schemas';

/** POST /projects/update_info (seed 003): `""` or absent leaves a field unchanged. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      ...tokenFields,
      cur_project_name: projectName,
      new_project_name: { anyOf: [projectName, { const: '' }] },
      new_description: description,
    },
    required: ['cur_project_name'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Rename or describe a project',
  description: 'A rename releases the old name and takes the new one in one transaction; a taken name is 409. `""` or absent leaves a field unchanged.',
  responses: {
    200: {
      description: 'The project after the change',
      body: {
        type: 'object',
        properties: {
          project_id: { type: 'string' }, s3_prefix: { type: 'string' }, is_sample: { type: 'boolean' },
          gen_status: { type: 'string', enum: ['GENERATING', 'FINISH'] }, project_name: { type: 'string' }, description: { type: 'string' },
        },
        required: ['project_id', 's3_prefix', 'is_sample', 'gen_status', 'project_name', 'description'],
      },
    },
  },
} as const satisfies RouteContract;
