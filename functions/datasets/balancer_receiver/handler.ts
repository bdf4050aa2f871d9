import { operateWorker } from '../lib/balancer';
import { balancerDeps } from '../lib/balancer-deps';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = balancerDeps();

/** POST /balancer/receiver `{action: START|STOP}` -> `data: null` once the worker is starting/running or stopping/stopped. */
export const handler = datasetsRoute(schema).handler(async ({ caller, input }) => {
  await operateWorker(deps, caller.sub, input.body.action ?? 'START');
  return null;
});
