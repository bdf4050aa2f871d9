import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { id, pathIds } from '../lib/schemas';

/** POST /user/{id}/friend_request: `from` must be the caller. */
export const schema = {
  path: pathIds('id'),
  body: { type: 'object', properties: { from: id }, required: ['from'], additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Ask a user to be friends',
  description: '`from` must be the caller (403), `{id}` another existing user (404). When `{id}` had asked `from` already, both become friends at once (one transaction).',
  responses: { 200: { description: 'The request\'s state', body: { type: 'string', enum: ['pending', 'accepted'] } } },
} as const satisfies RouteContract;
