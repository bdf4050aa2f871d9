import { logOut as endSessions, type AccountsDeps } from '@darkroom/accounts';
import type { Caller } from '@darkroom/jwt';
import { requireSelf } from './profiles/use-cases';

/** What logging out needs: the accounts layer's dependencies (Cognito, pool, revocation store). */
export type LogoutDeps = AccountsDeps;

/**
 * `PUT /user/{id}/logout`: ends every session of the caller exactly as `/auth/logout` does (the
 * accounts layer's `logOut`): the JWT layer's revocation record (every Darkroom route then answers 401 to the
 * caller's earlier ID and access tokens) and Cognito's global sign-out (refresh tokens stop working).
 * @throws DomainError 403 for another user's id
 */
export async function logOut(deps: LogoutDeps, caller: Caller, id: string): Promise<'success'> {
  requireSelf(caller, id, "another user's sessions");
  await endSessions(deps, caller);
  return 'success';
}
