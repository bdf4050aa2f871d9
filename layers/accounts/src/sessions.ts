import {
  AdminUserGlobalSignOutCommand, GlobalSignOutCommand, InitiateAuthCommand, RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { sessionIdOf, type Caller, type RevocationStore } from '@darkroom/jwt';
import { DomainError, metrics, MetricUnit } from '@darkroom/runtime';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import { resolveUsername, type AccountsDeps } from './accounts';
import { errorName, isWrongSecret, withCognitoErrors } from './errors';
import { LOGIN_LIMITS, limited, sourceKey } from './limits';

/** Tokens as seed 003's login returns them in `data`. */
export interface SessionTokens {
  id_token: string;
  /** The access token (seed 003 calls it `token`). */
  token: string;
  refresh_token?: string;
  /** Seconds until the ID and access tokens expire. */
  expires_in: number;
  token_type: 'Bearer';
  /** The caller's Cognito sub (the auth service answers it as `user_sub`, next to the identity pool's id). */
  identity_id: string;
  username: string;
  email?: string;
}

/** Cognito's AuthenticationResult, or the same tokens from the OAuth token endpoint. */
export interface CognitoTokens { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number }

/**
 * Seed 003's `data` from Cognito's tokens.
 * @param refreshToken - the refresh token to hand back when Cognito issued no new one (refresh flow)
 * @throws 502 when Cognito returned no ID or access token
 */
export function sessionTokens(result: CognitoTokens, refreshToken?: string): SessionTokens {
  if (!result.IdToken || !result.AccessToken) throw new DomainError(502, 'Cognito returned no tokens');
  const { payload } = decomposeUnverifiedJwt(result.IdToken);
  return {
    id_token: result.IdToken,
    token: result.AccessToken,
    refresh_token: result.RefreshToken ?? refreshToken,
    expires_in: result.ExpiresIn ?? 3600,
    token_type: 'Bearer',
    identity_id: String(payload.sub),
    username: String(payload['cognito:username'] ?? ''),
    email: typeof payload.email === 'string' ? payload.email : undefined,
  };
}

/**
 * Logs in with a username or an e-mail address and a password (USER_PASSWORD_AUTH). Failed logins are
 * limited per (username, source address) and, higher, per username (see {@link LOGIN_LIMITS}), so a guesser
 * locks out their own address, not the account's owner.
 * @param client.sourceIp - the caller's address (API Gateway's `requestContext.http.sourceIp`)
 * @throws 401 for a wrong password or an unknown user (indistinguishable); 403 when not confirmed;
 *   429 after {@link LOGIN_LIMITS.login} failed logins for that username from that address, or
 *   {@link LOGIN_LIMITS.loginCeiling} from all addresses
 * Counts `Logins`, `LoginFailures` (401) and `LoginLockouts` (429).
 */
export async function logIn(deps: AccountsDeps, input: { username: string; password: string }, client: { sourceIp?: string } = {}): Promise<SessionTokens> {
  const username = await resolveUsername(deps, input.username);
  const { AuthenticationResult, ChallengeName } = await withCognitoErrors(() => limited(
    deps, [[LOGIN_LIMITS.login, `${username}#${sourceKey(client.sourceIp)}`], [LOGIN_LIMITS.loginCeiling, username]],
    () => deps.cognito.send(new InitiateAuthCommand({
      ClientId: deps.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: input.password },
    })),
    isWrongSecret,
  )).catch((error: unknown) => {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 429) metrics.addMetric('LoginLockouts', MetricUnit.Count, 1);
    else if (status === 401) metrics.addMetric('LoginFailures', MetricUnit.Count, 1);
    throw error;
  });
  if (!AuthenticationResult) throw new DomainError(409, `Login needs a further step (${ChallengeName ?? 'challenge'}), which this API does not support`);
  metrics.addMetric('Logins', MetricUnit.Count, 1);
  return admitSession(deps.revocations, sessionTokens(AuthenticationResult));
}

/**
 * Admits the session a login has just begun past a logout of the same second (see
 * `RevocationStore.admit`), so a user who logs in again right after logging out is not refused.
 * @returns `tokens`, unchanged
 */
export async function admitSession(revocations: RevocationStore, tokens: SessionTokens): Promise<SessionTokens> {
  const { payload } = decomposeUnverifiedJwt(tokens.id_token);
  await revocations.admit(tokens.identity_id, { authTime: Number(payload.auth_time ?? payload.iat), sessionId: sessionIdOf(payload) });
  return tokens;
}

/** Cognito errors that mean "already signed out / revoked": logging out again is not an error. */
const ALREADY_OUT = new Set(['NotAuthorizedException', 'UnsupportedTokenTypeException']);
const ignoreAlreadyOut = (error: unknown) => {
  if (!ALREADY_OUT.has(errorName(error) ?? '')) throw error;
};

/**
 * Ends every session of the caller, at once: writes the revocation record the JWT layer checks (every
 * Darkroom endpoint then refuses the ID and access tokens of every session begun before the logout, and
 * the refresh endpoint their refresh tokens; a login right after the logout, even within the same
 * second, is a new session and works: see {@link admitSession}), revokes `refresh_token` if given (RevokeToken), and signs the user out of Cognito
 * (GlobalSignOut with an access token; AdminUserGlobalSignOut when the caller presented an ID token).
 * @returns the username and the logout time (ISO 8601)
 */
export async function logOut(deps: AccountsDeps, caller: Caller, input: { refresh_token?: string } = {}) {
  const at = Math.floor(Date.now() / 1000);
  await deps.revocations.revoke(caller.sub, { at });
  await withCognitoErrors(async () => {
    if (input.refresh_token) {
      await deps.cognito.send(new RevokeTokenCommand({ ClientId: deps.clientId, Token: input.refresh_token })).catch(ignoreAlreadyOut);
    }
    const signOut = caller.tokenUse === 'access'
      ? new GlobalSignOutCommand({ AccessToken: caller.token })
      : new AdminUserGlobalSignOutCommand({ UserPoolId: deps.userPoolId, Username: caller.username });
    await deps.cognito.send(signOut as GlobalSignOutCommand).catch(ignoreAlreadyOut);
  });
  return { username: caller.username, logged_out_at: new Date(at * 1000).toISOString() };
}

