import { dynamo, ec2, loadConfig, optionalEnv } from '@darkroom/runtime';
import type { BalancerDeps } from './balancer';

/**
 * The balancer's configuration and clients, built once per cold start. WORKER_TAG_KEY / WORKER_TAG_VALUE
 * come from Terraform's balancer module; the local stack's fake EC2 uses the same default tag.
 * @throws ConfigError when ASSIGNMENTS_TABLE is missing
 */
export function balancerDeps(): BalancerDeps {
  const { tableName } = loadConfig({ tableName: 'ASSIGNMENTS_TABLE' });
  return {
    ec2: ec2(), doc: dynamo(), tableName,
    workerTag: { key: optionalEnv('WORKER_TAG_KEY', 'darkroom:role')!, value: optionalEnv('WORKER_TAG_VALUE', 'worker')! },
  };
}
