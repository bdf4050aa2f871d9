import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { coordinatesBody, pathIds, success } from '../lib/schemas';

/** POST /event/{id}/location. */
export const schema = { path: pathIds('id'), body: coordinatesBody } as const satisfies RouteSchema;

export const contract = {
  summary: 'Set an event\'s place',
  description: 'Owner only (403). Latitude -90..90, longitude -180..180, numbers or string floats.',
  responses: { 200: { description: 'Stored', body: success } },
} as const satisfies RouteContract;
