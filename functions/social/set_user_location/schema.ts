import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { coordinatesBody, pathIds, success } from '../lib/schemas';

/** POST /user/{id}/location. */
export const schema = { path: pathIds('id'), body: coordinatesBody } as const satisfies RouteSchema;

export const contract = {
  summary: 'Share your last location',
  description: 'Latitude -90..90 and longitude -180..180 degrees, as numbers or seed 004\'s string floats. Only the user themself (403 otherwise).',
  responses: { 200: { description: 'Stored', body: success } },
} as const satisfies RouteContract;
