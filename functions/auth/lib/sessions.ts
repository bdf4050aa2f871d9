import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sessionTokens, withCognitoErrors, type AccountsDeps, type SessionTokens } from '@darkroom/accounts';
import { isRevoked, sessionIdOf } from '@darkroom/jwt';
import { DomainError, type IdentityCredentials, type IdentityStore } from '@darkroom/runtime';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';

/**
 * What a login, a refresh and a Google login answer (seed 003): the tokens, and temporary AWS
 * credentials of the user's identity-pool identity (`identity_id`, `access_key`, `secret_key`,
 * `session_key`, `expires_at`), with which a client talks to S3 directly under `<bucket>/<identity_id>/`.
 * `user_sub` is the user pool's id of the user (the owner prefix of photos and images).
 */
export type SessionAnswer = Omit<SessionTokens, 'identity_id'> & IdentityCredentials & { user_sub: string };

/**
 * Adds the identity's temporary credentials to a session's tokens (Cognito Identity GetId, cached per
 * user, then GetCredentialsForIdentity with the ID token's login map).
 * @throws 502 when Cognito Identity fails
 */
export async function withCredentials(identities: IdentityStore, tokens: SessionTokens): Promise<SessionAnswer> {
  const { identity_id: sub, ...rest } = tokens;
  return { ...rest, user_sub: sub, ...(await identities.credentials(sub, tokens.id_token)) };
}

const refused = (message: string) => new DomainError(401, message);

/**
 * Trades a refresh token for new ID and access tokens (REFRESH_TOKEN_AUTH). The refresh token must be
 * `username`'s (the new ID token's `cognito:username` or `email`), and its session must not be one the
 * user's last logout ended (`auth_time`, and `origin_jti` in the logout's second, against the revocation
 * record; see `isRevoked`), whatever Cognito says.
 * @throws 401 for an invalid, expired or revoked refresh token, one of another user, or one of a
 *   session ended by a logout
 */
export async function refreshSession(deps: AccountsDeps, input: { username: string; refresh_token: string }): Promise<SessionTokens> {
  const { AuthenticationResult } = await withCognitoErrors(() => deps.cognito.send(new InitiateAuthCommand({
    ClientId: deps.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: input.refresh_token },
  })), {
    NotAuthorizedException: () => refused('Refresh token is invalid, expired or revoked: log in again'),
    UserNotFoundException: () => refused('Refresh token is invalid, expired or revoked: log in again'),
  });
  const tokens = sessionTokens(AuthenticationResult ?? {}, input.refresh_token);
  const { payload } = decomposeUnverifiedJwt(tokens.id_token);
  const claimed = input.username.toLowerCase();
  if (claimed !== tokens.username.toLowerCase() && claimed !== tokens.email?.toLowerCase()) {
    throw refused('Refresh token does not belong to that user');
  }
  const session = { authTime: Number(payload.auth_time ?? payload.iat), sessionId: sessionIdOf(payload) };
  if (isRevoked(session, await deps.revocations.revocation(tokens.identity_id))) throw refused('Session has been logged out: log in again');
  return tokens;
}

/** The response header seed 003's login sets: `Authorization: Bearer <ID token>`. */
export const bearer = (tokens: Pick<SessionTokens, 'id_token'>): Record<string, string> => ({ Authorization: `Bearer ${tokens.id_token}` });
