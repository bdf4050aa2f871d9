import { DomainError, type Caller, type IdentityStore } from '@darkroom/runtime';

/**
 * The identity-pool id under which a caller's new projects live (`<bucket>/<identity_id>/<project_id>/`,
 * the prefix their temporary credentials may write): cached at login, else asked of Cognito Identity
 * with the caller's ID token.
 * @throws 409 when the caller sent an access token and has not logged in since identities were
 *   introduced (no cached id, and GetId needs the ID token); 502 when Cognito Identity fails
 */
export async function identityIdOf(identities: IdentityStore, caller: Caller): Promise<string> {
  const identityId = await identities.lookupIdentityId(caller.sub, caller.tokenUse === 'id' ? caller.token : undefined);
  if (!identityId) throw new DomainError(409, 'Your identity is not known yet: send the ID token (id_token), or log in again (POST /auth/user_login)');
  return identityId;
}
