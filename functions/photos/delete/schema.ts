import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { MAX_DELETE_FILES } from '../lib/limits';
import { FILENAME_PATTERN, MAX_FILENAME_LENGTH } from '../lib/names';

const filename = { type: 'string', minLength: 1, maxLength: MAX_FILENAME_LENGTH, pattern: FILENAME_PATTERN } as const;

/** POST /photos/delete: seed 002's `file`, or `files` to delete several at once. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      file: filename,
      files: { type: 'array', items: filename, minItems: 1, maxItems: MAX_DELETE_FILES },
    },
    minProperties: 1,
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (plain envelope: the whole body). */
export const contract = {
  summary: 'Delete photos',
  description: "Deletes the caller's photos with their thumbnails. Idempotent: a name already gone, or never the caller's, is listed in not_found, never an error.",
  responses: { 200: { description: 'What was deleted and what was not there', body: { type: 'object', properties: { deleted: { type: 'array', items: { type: 'string' } }, not_found: { type: 'array', items: { type: 'string' } } }, required: ['deleted', 'not_found'], additionalProperties: false } } },
} as const satisfies RouteContract;
