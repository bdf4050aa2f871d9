import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { id, pathIds } from '../lib/schemas';

/** GET /event/{id}/locations. */
export const schema = { path: pathIds('id') } as const satisfies RouteSchema;

export const contract = {
  summary: 'Where the attendees are',
  description: 'The last locations of the owner and accepted invitees, only to members and only from one hour before the (current or next) occurrence until its end; 403 otherwise.',
  responses: {
    200: {
      description: 'Locations of those who shared one',
      body: {
        type: 'array',
        items: {
          type: 'object',
          properties: { id, username: { type: 'string' }, latitude: { type: 'number' }, longitude: { type: 'number' }, updated_at: { type: 'string', format: 'date-time' } },
          required: ['id', 'username', 'latitude', 'longitude', 'updated_at'],
        },
      },
    },
  },
} as const satisfies RouteContract;
