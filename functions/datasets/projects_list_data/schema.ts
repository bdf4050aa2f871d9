import { cursorSchema, nextCursorSchema, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { LIST_DATA_PAGE } from '../lib/limits';
import { classType, filename, objectArray, projectBody, projectId, typeMethod } from '../lib/schemas';

const pageToken = {
  type: 'object',
  properties: { filename, project_id: projectId },
  required: ['filename', 'project_id'],
  additionalProperties: false,
} as const;

/**
 * POST /projects/list_data (seed 003): `next_token` is `""` (or null) on the first page, then the previous
 * page's token; or, Darkroom's convention, `cursor` is the previous page's `next_cursor`.
 */
export const schema = {
  body: projectBody({
    type_method: typeMethod,
    num_limit: { type: 'integer', minimum: 1, maximum: LIST_DATA_PAGE.max, description: `default ${LIST_DATA_PAGE.default}` },
    next_token: { anyOf: [{ const: '' }, { type: 'null' }, pageToken] },
    cursor: cursorSchema,
  }, ['type_method']),
} as const satisfies RouteSchema;

export const contract = {
  summary: "List a group's data",
  description: 'One page of a group in filename order; every item appears exactly once across pages. Pass the answer\'s next_token back as next_token (seed 003), or its next_cursor as cursor; both are null on the last page. A next_token of another project, or a cursor of another group, project or user, is 400.',
  responses: {
    200: {
      description: 'A page',
      body: {
        type: 'object',
        properties: {
          items: objectArray({
            filename: { type: 'string' }, s3_key: { type: 'string', description: '`<bucket>/<identity_id>/<project_id>/...`' },
            gen_id: { type: 'string' }, classtype: classType, size: { type: 'integer', description: 'bytes' },
          }, ['filename', 's3_key', 'gen_id', 'classtype']),
          next_token: { anyOf: [{ type: 'object', properties: { filename: { type: 'string' }, project_id: { type: 'string' } }, required: ['filename', 'project_id'] }, { type: 'null' }] },
          next_cursor: nextCursorSchema,
        },
        required: ['items', 'next_token', 'next_cursor'],
      },
    },
  },
} as const satisfies RouteContract;
