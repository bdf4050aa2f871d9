import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { MAX_CHECK_NAMES } from '../lib/limits';
import { filename, projectBody, typedNumber, typedString } from '../lib/schemas';

/** POST /projects/upload_check (seed 003): up to 1,000 names a call. */
export const schema = {
  body: projectBody({ ls_filename: { type: 'array', items: filename, minItems: 1, maxItems: MAX_CHECK_NAMES } }, ['ls_filename']),
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Which file names already exist',
  description: 'The names among `ls_filename` that already exist in the project (its originals), with their stored sizes, DynamoDB-typed as in seed 003.',
  responses: {
    200: {
      description: 'Existing names',
      body: { type: 'array', items: { type: 'object', properties: { filename: typedString, size: typedNumber }, required: ['filename', 'size'] } },
    },
  },
} as const satisfies RouteContract;
