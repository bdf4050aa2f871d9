import { registerWorker } from '../lib/balancer';
import { balancerDeps } from '../lib/balancer-deps';
import { datasetsRoute } from '../lib/route';
import { schema } from './schema';

const deps = balancerDeps();

/** POST /balancer/register_ec2 -> `data: null` once the caller has a worker. */
export const handler = datasetsRoute(schema).handler(async ({ caller }) => {
  await registerWorker(deps, caller.sub);
  return null;
});
