import type { RouteSchema } from '@darkroom/runtime';
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
