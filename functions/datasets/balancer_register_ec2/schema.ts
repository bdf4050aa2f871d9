import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { tokenFields } from '../lib/schemas';

/** POST /balancer/register_ec2 (seed 003 "Register ec2_id for a New User"): only the token. */
export const schema = {
  body: { type: 'object', properties: { ...tokenFields }, additionalProperties: false },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Assign the caller a worker instance',
  description: 'A free EC2 worker (tag darkroom:role=worker) becomes the caller\'s alone; when none is free the caller shares the default worker. Registering again keeps the first assignment. 409: the fleet has no worker.',
  responses: { 200: { description: 'Assigned (seed 003 answers data null)', body: { type: 'null' } } },
} as const satisfies RouteContract;
