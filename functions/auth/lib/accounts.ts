import {
  ConfirmForgotPasswordCommand, ConfirmSignUpCommand, ForgotPasswordCommand, ListUsersCommand, ResendConfirmationCodeCommand,
  SignUpCommand, type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError, badRequest, conflict, logger } from '@darkroom/runtime';
import type { RevocationStore, TokenVerifier } from '@darkroom/jwt';
import { PASSWORD_POLICY_TEXT, errorName, isWrongSecret, withCognitoErrors } from './errors';
import { LIMITS, limited, takeAttempt } from './limits';

/** What the account and session functions need: the pool, and the auth table for limits and revocations. */
export interface AccountsDeps {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
  dynamo: DynamoDBDocumentClient;
  authTable: string;
  revocations: RevocationStore;
  verifier: TokenVerifier;
}

/** Cognito's ListUsers filter value: a double-quoted string, with `\` and `"` escaped. */
export const filterValue = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** @returns the username of the account with this e-mail, or undefined */
export async function usernameByEmail(deps: Pick<AccountsDeps, 'cognito' | 'userPoolId'>, email: string): Promise<string | undefined> {
  const { Users = [] } = await deps.cognito.send(new ListUsersCommand({
    UserPoolId: deps.userPoolId, Filter: `email = ${filterValue(email)}`, Limit: 2,
  }));
  return Users[0]?.Username;
}

/**
 * The username a client means: seed 003 lets `username` be the account's e-mail address. An address
 * no account has is kept as given, so unknown users go through the same path as known ones.
 */
export async function resolveUsername(deps: Pick<AccountsDeps, 'cognito' | 'userPoolId'>, username: string): Promise<string> {
  return username.includes('@') ? (await usernameByEmail(deps, username)) ?? username : username;
}

/**
 * Registers an account (seed 003 sign-up); Cognito e-mails a confirmation code.
 * @throws 409 when the username or the e-mail address is taken; 400 for a weak password (the pool's policy)
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

const invalidCode = () => badRequest('Invalid confirmation code');

/**
 * Confirms an account with the e-mailed code.
 * @throws 400 for a wrong, expired or already used code (an unknown username reads as a wrong code);
 *   409 when the account is already confirmed; 429 after {@link LIMITS.confirmCode} wrong codes
 */
export async function confirmSignUp(deps: AccountsDeps, input: { username: string; confirm_code: string }) {
  await withCognitoErrors(
    () => limited(deps, LIMITS.confirmCode, input.username, () => deps.cognito.send(new ConfirmSignUpCommand({
      ClientId: deps.clientId, Username: input.username, ConfirmationCode: input.confirm_code,
    })), isWrongSecret),
    {
      UserNotFoundException: invalidCode,
      // Cognito: "User cannot be confirmed. Current status is CONFIRMED".
      NotAuthorizedException: () => conflict('Account is already confirmed: log in'),
    },
  );
  return { username: input.username, confirmed: true };
}

/**
 * Sends a new sign-up confirmation code to the account's e-mail address.
 * @throws 404 when no account has that username; 409 when it is already confirmed;
 *   429 after {@link LIMITS.codeMail} requests
 */
export async function resendConfirmationCode(deps: AccountsDeps, input: { username: string }) {
  await takeAttempt(deps, LIMITS.codeMail, input.username);
  const result = await withCognitoErrors(() => deps.cognito.send(new ResendConfirmationCodeCommand({
    ClientId: deps.clientId, Username: input.username,
  })), {
    UserNotFoundException: () => new DomainError(404, 'No account has that username'),
    InvalidParameterException: () => conflict('Account is already confirmed: log in'),
  });
  return { username: input.username, delivery: result.CodeDeliveryDetails?.DeliveryMedium?.toLowerCase() ?? 'email' };
}

/** Cognito answers that mean "no such user" or "this user cannot reset": answered like a code sent. */
const UNKNOWN_FOR_RESET = new Set(['UserNotFoundException', 'NotAuthorizedException', 'InvalidParameterException']);

/**
 * Starts a password reset: Cognito e-mails a code to the account's verified address. An unknown user,
 * or one who cannot reset, is answered exactly as a known one (no user enumeration).
 * @throws 429 after {@link LIMITS.codeMail} requests for that username (known or not)
 */
export async function forgotPassword(deps: AccountsDeps, input: { username: string }) {
  const username = await resolveUsername(deps, input.username);
  await takeAttempt(deps, LIMITS.codeMail, username);
  await withCognitoErrors(async () => {
    try {
      await deps.cognito.send(new ForgotPasswordCommand({ ClientId: deps.clientId, Username: username }));
    } catch (error) {
      if (!UNKNOWN_FOR_RESET.has(errorName(error) ?? '')) throw error;
      logger.info('password reset for an unknown or unverified user answered as sent', { reason: errorName(error) });
    }
  });
  return { username: input.username, delivery: 'email' };
}

/**
 * Sets a new password with the code {@link forgotPassword} sent.
 * @throws 400 for a wrong, expired or used code (an unknown username reads as a wrong code) or a weak
 *   password; 429 after {@link LIMITS.resetCode} wrong codes
 */
export async function resetPassword(deps: AccountsDeps, input: { username: string; password: string; confirm_code: string }) {
  const username = await resolveUsername(deps, input.username);
  await withCognitoErrors(
    () => limited(deps, LIMITS.resetCode, username, () => deps.cognito.send(new ConfirmForgotPasswordCommand({
      ClientId: deps.clientId, Username: username, ConfirmationCode: input.confirm_code, Password: input.password,
    })), isWrongSecret),
    {
      UserNotFoundException: () => badRequest('Invalid reset code'),
      NotAuthorizedException: () => badRequest('Invalid reset code'),
      CodeMismatchException: () => badRequest('Invalid reset code'),
      ExpiredCodeException: () => badRequest('Reset code has expired or was already used: request a new one (POST /auth/forgot_password)'),
      InvalidPasswordException: () => badRequest(`Password does not meet the policy: ${PASSWORD_POLICY_TEXT}`),
    },
  );
  return { username: input.username, password_reset: true };
}
