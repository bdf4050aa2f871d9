import { pageQuerySchema, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { LIMITS } from '../lib/limits';
import { id, pathIds } from '../lib/schemas';

/** GET /user/{id}/friends. */
export const schema = {
  path: pathIds('id'),
  query: pageQuerySchema(LIMITS.friendsPage),
} as const satisfies RouteSchema;

export const contract = {
  summary: 'A user\'s friends',
  description: 'Friend ids in id order, at most 100 per page: pass `next_cursor` back as `cursor` for the next page (null on the last). Visible to the user and their friends (404 otherwise); a cursor of another list is refused (400).',
  responses: { 200: { description: 'A page of friend ids', body: { type: 'array', items: id }, paged: true } },
} as const satisfies RouteContract;
