import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { tokenFields, typedString } from '../lib/schemas';

/** POST /projects/list (seed 003): no fields besides the tokens. */
export const schema = {
  body: { type: 'object', properties: { ...tokenFields }, additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'List projects',
  description: "The caller's projects, newest first, with DynamoDB-typed values as seed 003's clients read them.",
  responses: {
    200: {
      description: 'The projects',
      body: {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: { type: 'object', properties: { project_name: typedString, project_id: typedString, s3_prefix: typedString }, required: ['project_name', 'project_id', 's3_prefix'] },
          },
        },
        required: ['items'],
      },
    },
  },
} as const satisfies RouteContract;
