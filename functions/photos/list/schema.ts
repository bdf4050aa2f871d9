import { cursorSchema, nextCursorSchema, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { describedPhoto } from '../lib/responses';
import { LIST_PAGE } from '../lib/limits';

/** POST /photos/list: seed 002 takes no body; `limit` and `cursor` (or its older name `next_token`) page through the photos. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: LIST_PAGE.max },
      cursor: cursorSchema,
      next_token: { ...cursorSchema, description: 'the older name of cursor' },
    },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

/** What the route answers (plain envelope: the whole body). */
export const contract = {
  summary: 'List photos',
  description: "The caller's photos, newest first, a page at a time: pass next_cursor back as cursor for the next page (null on the last; next_token carries the same value under its older name, absent on the last). 400 for a cursor this caller was not given.",
  responses: {
    200: {
      description: 'A page of photos',
      body: {
        type: 'object',
        properties: { photos: { type: 'array', items: describedPhoto }, next_cursor: nextCursorSchema, next_token: { type: 'string', minLength: 1 } },
        required: ['photos', 'next_cursor'], additionalProperties: false,
      },
    },
  },
} as const satisfies RouteContract;
