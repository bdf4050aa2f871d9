import { cognito, loadConfig } from '@darkroom/runtime';
import type { AccountsDeps } from './accounts';

/**
 * Cognito client and pool settings, built once per cold start.
 * @throws ConfigError when USER_POOL_ID or USER_POOL_CLIENT_ID is missing
 */
export function accountsDeps(): AccountsDeps {
  const { userPoolId, clientId } = loadConfig({ userPoolId: 'USER_POOL_ID', clientId: 'USER_POOL_CLIENT_ID' });
  return { cognito: cognito(), userPoolId, clientId };
}
