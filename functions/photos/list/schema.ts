import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { describedPhoto } from '../lib/responses';
import { LIST_PAGE } from '../lib/limits';

/** POST /photos/list: seed 002 takes no body; `limit` and `next_token` page through the photos. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: LIST_PAGE.max },
      next_token: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^[A-Za-z0-9_-]+$' },
    },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (plain envelope: the whole body). */
export const contract = {
  summary: 'List photos',
  description: "The caller's photos, newest first, a page at a time: pass next_token back for the next page (absent on the last). 400 for a next_token this caller was not given.",
  responses: { 200: { description: 'A page of photos', body: { type: 'object', properties: { photos: { type: 'array', items: describedPhoto }, next_token: { type: 'string', minLength: 1 } }, required: ['photos'], additionalProperties: false } } },
} as const satisfies RouteContract;
