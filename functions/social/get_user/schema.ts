import type { RouteSchema } from '@darkroom/runtime';
import { pathIds, userScheduleContract } from '../lib/schemas';

/** GET /user/{id}. */
export const schema = { path: pathIds('id') } as const satisfies RouteSchema;

export const contract = userScheduleContract;
