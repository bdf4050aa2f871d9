import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds } from '../lib/schemas';

/** POST /event/{id}/people/{userId}. */
export const schema = {
  path: pathIds('id', 'userId'),
  body: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['accepted', 'declined'] } },
    required: ['status'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Accept or decline an invitation',
  description: 'Only the invitee themself (403); 404 when not invited.',
  responses: { 200: { description: 'The answer', body: { type: 'string', enum: ['accepted', 'declined'] } } },
} as const satisfies RouteContract;
