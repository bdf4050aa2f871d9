import type { RevocationStore } from '@darkroom/jwt';
import { authDependencies, dynamo, loadConfig } from '@darkroom/runtime';
import { DynamoSocialRepository, type SocialRepository } from './records';

/** What the social routes need: the repository and a clock (epoch ms), replaceable in tests. */
export interface SocialDeps {
  repo: SocialRepository;
  now: () => number;
}

/** {@link SocialDeps} plus the JWT layer's revocation store, for `PUT /user/{id}/logout`. */
export interface LogoutDeps {
  revocations: RevocationStore;
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

/**
 * The revocation store every authenticated function shares (layers/jwt, on the auth table).
 * @throws ConfigError when USER_POOL_ID, USER_POOL_CLIENT_ID or AUTH_TABLE is missing
 */
export function logoutDeps(): LogoutDeps {
  return { revocations: authDependencies().revocations, now: Date.now };
}
