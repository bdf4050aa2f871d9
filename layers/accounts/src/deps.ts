import { authDependencies, cognito, dynamo, loadConfig } from '@darkroom/runtime';
import type { AccountsDeps } from './accounts';

/**
 * Cognito client, pool settings, the auth table (rate limits) and the shared revocation store and token
 * verifier (layers/jwt), built once per cold start.
 * @throws ConfigError when USER_POOL_ID, USER_POOL_CLIENT_ID or AUTH_TABLE is missing
 */
export function accountsDeps(): AccountsDeps {
  const { userPoolId, clientId, authTable } = loadConfig({ userPoolId: 'USER_POOL_ID', clientId: 'USER_POOL_CLIENT_ID', authTable: 'AUTH_TABLE' });
  const { revocations, verifier } = authDependencies();
  return { cognito: cognito(), userPoolId, clientId, dynamo: dynamo(), authTable, revocations, verifier };
}
