import { accountsDeps, type AccountsDeps } from '@darkroom/accounts';
import { authDependencies, dynamo, identityStore, loadConfig, ses, type IdentityStore } from '@darkroom/runtime';
import type { GoogleDeps } from './google';
import type { InvitationDeps } from './invitations';

/**
 * The hosted-UI token endpoint, the app client, the token verifier and the revocation store, for Google sign-in.
 * @throws ConfigError when OAUTH_TOKEN_URL, USER_POOL_CLIENT_ID (or the verifier's variables) is missing
 */
export function googleDeps(): GoogleDeps {
  const { tokenUrl, clientId } = loadConfig({ tokenUrl: 'OAUTH_TOKEN_URL', clientId: 'USER_POOL_CLIENT_ID' });
  const { verifier, revocations } = authDependencies();
  return { tokenUrl, clientId, verifier, revocations };
}

/**
 * SES, the sender address and the auth table, for invitations.
 * @throws ConfigError when MAIL_FROM or AUTH_TABLE is missing
 */
export function invitationDeps(): InvitationDeps {
  const { mailFrom, authTable } = loadConfig({ mailFrom: 'MAIL_FROM', authTable: 'AUTH_TABLE' });
  return { ses: ses(), mailFrom, dynamo: dynamo(), authTable };
}

/**
 * {@link accountsDeps} plus the identity store, for the routes that answer a session (login, refresh).
 * @throws ConfigError when IDENTITY_POOL_ID (or a variable of accountsDeps) is missing
 */
export function sessionDeps(): AccountsDeps & { identities: IdentityStore } {
  return { ...accountsDeps(), identities: identityStore() };
}

/**
 * {@link googleDeps} plus the identity store.
 * @throws ConfigError when IDENTITY_POOL_ID, AUTH_TABLE (or a variable of googleDeps) is missing
 */
export function googleSessionDeps(): GoogleDeps & { identities: IdentityStore } {
  return { ...googleDeps(), identities: identityStore() };
}
