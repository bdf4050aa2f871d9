import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { eventViewBody, id, pathIds } from '../lib/schemas';

/** GET /user/{id}/schedule. */
export const schema = { path: pathIds('id') } as const satisfies RouteSchema;

export const contract = {
  summary: 'A user and their schedule',
  description: 'The schedule is the events the user owns or accepted. Visible to the user and their friends; anyone else gets 404.',
  responses: {
    200: {
      description: 'The user',
      body: { type: 'object', properties: { id, username: { type: 'string' }, schedule: { type: 'array', items: eventViewBody } }, required: ['id', 'username', 'schedule'] },
    },
  },
} as const satisfies RouteContract;
