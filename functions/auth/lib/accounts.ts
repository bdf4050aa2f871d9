import {
  ConfirmSignUpCommand, InitiateAuthCommand, ListUsersCommand, SignUpCommand, type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DomainError, conflict } from '@darkroom/runtime';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import { withCognitoErrors } from './errors';

export interface AccountsDeps { cognito: CognitoIdentityProviderClient; userPoolId: string; clientId: string }

/** Tokens as seed 003's login returns them in `data`. */
export interface SessionTokens {
  id_token: string;
  /** The access token (seed 003 calls it `token`). */
  token: string;
  refresh_token?: string;
  /** Seconds until the ID and access tokens expire. */
  expires_in: number;
  token_type: 'Bearer';
  /** The caller's stable id (Cognito sub); seed 003 named it after the identity pool's id. */
  identity_id: string;
  username: string;
}

/** Cognito's ListUsers filter value: a double-quoted string, with `\` and `"` escaped. */
const filterValue = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** @returns the username of the account with this e-mail, or undefined */
export async function usernameByEmail(deps: AccountsDeps, email: string): Promise<string | undefined> {
  const { Users = [] } = await deps.cognito.send(new ListUsersCommand({
    UserPoolId: deps.userPoolId, Filter: `email = ${filterValue(email)}`, Limit: 2,
  }));
  return Users[0]?.Username;
}

/**
 * Registers an account (seed 003 sign-up); Cognito e-mails a confirmation code.
 * @throws 409 when the username or the e-mail address is taken; 400 for a weak password
 */
export async function signUp(deps: AccountsDeps, input: { email: string; username: string; password: string }) {
  if (await usernameByEmail(deps, input.email)) throw conflict('That e-mail address already belongs to an account');
  const result = await withCognitoErrors(() => deps.cognito.send(new SignUpCommand({
    ClientId: deps.clientId, Username: input.username, Password: input.password,
    UserAttributes: [{ Name: 'email', Value: input.email }],
  })));
  return {
    username: input.username,
    user_sub: result.UserSub,
    confirmed: result.UserConfirmed ?? false,
    delivery: result.CodeDeliveryDetails?.DeliveryMedium?.toLowerCase() ?? 'email',
  };
}

/**
 * Confirms an account with the e-mailed code.
 * @throws 400 for a wrong, expired or already used code
 */
export async function confirmSignUp(deps: AccountsDeps, input: { username: string; confirm_code: string }) {
  await withCognitoErrors(() => deps.cognito.send(new ConfirmSignUpCommand({
    ClientId: deps.clientId, Username: input.username, ConfirmationCode: input.confirm_code,
  })));
  return { username: input.username, confirmed: true };
}

/** Seed 003's `data` from Cognito's AuthenticationResult. */
export function sessionTokens(result: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number }, refreshToken?: string): SessionTokens {
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
  };
}

/**
 * Logs in with a username or an e-mail address and a password (USER_PASSWORD_AUTH).
 * @throws 401 for a wrong password or an unknown user (indistinguishable); 403 when not confirmed
 */
export async function logIn(deps: AccountsDeps, input: { username: string; password: string }): Promise<SessionTokens> {
  const username = input.username.includes('@') ? (await usernameByEmail(deps, input.username)) ?? input.username : input.username;
  const { AuthenticationResult, ChallengeName } = await withCognitoErrors(() => deps.cognito.send(new InitiateAuthCommand({
    ClientId: deps.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: input.password },
  })));
  if (!AuthenticationResult) throw new DomainError(409, `Login needs a further step (${ChallengeName ?? 'challenge'}), which this API does not support`);
  return sessionTokens(AuthenticationResult);
}
