import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { tokenFields } from '../lib/schemas';

/** POST /balancer/receiver (seed 003 "Start EC2 of User"). */
export const schema = {
  body: {
    type: 'object',
    properties: { ...tokenFields, action: { enum: ['START', 'STOP'], default: 'START', description: 'what to do with the caller\'s worker (default START)' } },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Start or stop the caller\'s worker instance',
  description: 'StartInstances / StopInstances on the caller\'s worker; idempotent (START of a running worker, STOP of a stopped one change nothing). '
    + '409: no worker assigned (call /balancer/register_ec2), the worker is stopping, or STOP of the shared default worker while other users are assigned to it.',
  responses: { 200: { description: 'Done (seed 003 answers data null)', body: { type: 'null' } } },
} as const satisfies RouteContract;
