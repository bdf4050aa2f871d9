import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { downloadedPhoto } from '../lib/responses';
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

/** What the route answers (plain envelope: the whole body). */
export const contract = {
  summary: 'Download a photo',
  description: "A presigned GET of the caller's original (15 minutes) with its metadata and thumbnail URL. 404 for a name the caller does not own or an upload not made yet.",
  responses: { 200: { description: 'The photo and its URLs', body: downloadedPhoto }, 404: { description: 'No such photo of the caller' } },
} as const satisfies RouteContract;
