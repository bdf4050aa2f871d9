import type { RouteSchema } from '@darkroom/runtime';
import { FILENAME_PATTERN, MAX_FILENAME_LENGTH } from '../lib/names';

/** POST /photos/download: seed 002's `filename`, a stored name as upload, unzip and list return it. */
export const schema = {
  body: {
    type: 'object',
    properties: { filename: { type: 'string', minLength: 1, maxLength: MAX_FILENAME_LENGTH, pattern: FILENAME_PATTERN } },
    required: ['filename'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;
