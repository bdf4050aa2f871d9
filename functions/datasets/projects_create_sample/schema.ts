import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { description, projectRef, tokenFields } from '../lib/schemas';

/** POST /projects/create_sample (seed 003). */
export const schema = {
  body: { type: 'object', properties: { ...tokenFields, project_info: description }, additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Create the sample project',
  description: 'Creates `sample_project` (`prj_sample_<32 hex>`) holding the bundled sample images as ORIGINAL data. One per user: a second is 409.',
  responses: { 200: { description: 'The sample project', body: projectRef } },
} as const satisfies RouteContract;
