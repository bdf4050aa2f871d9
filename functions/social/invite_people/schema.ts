import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { LIMITS } from '../lib/limits';
import { id, pathIds } from '../lib/schemas';

/** POST /event/{id}/people. */
export const schema = {
  path: pathIds('id'),
  body: {
    type: 'object',
    properties: { users: { type: 'array', items: id, minItems: 1, maxItems: LIMITS.invitesPerCall } },
    required: ['users'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Invite friends to an event',
  description: 'Owner only (403). Every user must be the owner\'s friend, else nothing is written (403). Up to 50 per call, 100 members per event.',
  responses: {
    200: {
      description: 'Attendance afterwards',
      body: { type: 'object', properties: { invited: { type: 'array', items: id }, accepted: { type: 'array', items: id } }, required: ['invited', 'accepted'] },
    },
  },
} as const satisfies RouteContract;
