import type { Caller } from '@darkroom/jwt';
import type { LogoutDeps } from './deps';
import { requireSelf } from './users';

/**
 * `PUT /user/{id}/logout`: revokes every token of the caller's sessions with the JWT layer's revocation
 * record, as `/auth/logout` does, so every later call with them is 401 on every Darkroom route (and
 * `/auth/refresh_token` refuses their refresh tokens).
 * @throws DomainError 403 for another user's id
 */
export async function logOut(deps: LogoutDeps, caller: Caller, id: string): Promise<'success'> {
  requireSelf(caller, id, "another user's sessions");
  await deps.revocations.revoke(caller.sub, Math.floor(deps.now() / 1000));
  return 'success';
}
