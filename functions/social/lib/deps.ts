import { dynamo, loadConfig } from '@darkroom/runtime';
import { DynamoSocialRepository, type SocialRepository } from './records';

/** What the social routes need: the repository and a clock (epoch ms), replaceable in tests. */
export interface SocialDeps {
  repo: SocialRepository;
  now: () => number;
}

/**
 * The social table repository and the clock, built once per cold start.
 * @throws ConfigError when SOCIAL_TABLE is missing
 */
export function socialDeps(): SocialDeps {
  const { socialTable } = loadConfig({ socialTable: 'SOCIAL_TABLE' });
  return { repo: new DynamoSocialRepository(dynamo(), socialTable), now: Date.now };
}
