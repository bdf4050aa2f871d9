import {
  ConfirmForgotPasswordCommand, ConfirmSignUpCommand, ForgotPasswordCommand, ResendConfirmationCodeCommand, SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  PASSWORD_POLICY_TEXT, errorName, isWrongSecret, limited, normalizeEmail, resolveUsername, takeAttempt, usernameByEmail,
  withCognitoErrors, type AccountsDeps,
} from '@darkroom/accounts';
import { badRequest, conflict, logger } from '@darkroom/runtime';
import { LIMITS } from './limits';

/**
 * Registers an account (seed 003 sign-up); Cognito e-mails a confirmation code. The e-mail address is
 * stored normalised ({@link normalizeEmail}), so uniqueness and login by e-mail ignore case.
 * @throws 409 when the username or the e-mail address (in any case) is taken; 400 for a weak password (the pool's policy)
 */
export async function signUp(deps: AccountsDeps, input: { email: string; username: string; password: string }) {
  const email = normalizeEmail(input.email);
  if (await usernameByEmail(deps, input.email)) throw conflict('That e-mail address already belongs to an account');
  const result = await withCognitoErrors(() => deps.cognito.send(new SignUpCommand({
    ClientId: deps.clientId, Username: input.username, Password: input.password,
    UserAttributes: [{ Name: 'email', Value: email }],
  })));
  return {
    username: input.username,
    user_sub: result.UserSub,
    confirmed: result.UserConfirmed ?? false,
    delivery: result.CodeDeliveryDetails?.DeliveryMedium?.toLowerCase() ?? 'email',
  };
}

/** The one answer to a confirmation that did not happen, whatever the reason (see {@link confirmSignUp}). */
export const INVALID_CONFIRMATION = 'Invalid confirmation code, or it has expired: request a new one (POST /auth/resend_confirmcode). An account that is already confirmed can log in';
const invalidCode = () => badRequest(INVALID_CONFIRMATION);

/**
 * Confirms an account with the e-mailed code. A wrong, expired or used code, an unknown username and an
 * account already confirmed get the same 400 (Cognito tells them apart; saying so would tell anyone
 * which usernames exist and are confirmed).
 * @throws 400 {@link INVALID_CONFIRMATION}; 429 after {@link LIMITS.confirmCode} failures for that username
 */
export async function confirmSignUp(deps: AccountsDeps, input: { username: string; confirm_code: string }) {
  await withCognitoErrors(
    () => limited(deps, [[LIMITS.confirmCode, input.username]], () => deps.cognito.send(new ConfirmSignUpCommand({
      ClientId: deps.clientId, Username: input.username, ConfirmationCode: input.confirm_code,
    })), isWrongSecret),
    {
      UserNotFoundException: invalidCode,
      // Cognito: "User cannot be confirmed. Current status is CONFIRMED".
      NotAuthorizedException: invalidCode,
      CodeMismatchException: invalidCode,
      ExpiredCodeException: invalidCode,
    },
  );
  return { username: input.username, confirmed: true };
}

/** Cognito answers that mean "no such user" or "nothing to resend" (already confirmed, no verified address). */
const NOTHING_TO_RESEND = new Set(['UserNotFoundException', 'InvalidParameterException', 'NotAuthorizedException']);

/**
 * Sends a new sign-up confirmation code to the account's e-mail address. An unknown username, or an
 * account already confirmed, is answered exactly as one that gets a code (no user enumeration); only
 * the owner's mailbox tells the difference.
 * @returns `{username, delivery: 'email'}` in every case
 * @throws 429 after {@link LIMITS.codeMail} code e-mails for that username per hour (known or not)
 */
export async function resendConfirmationCode(deps: AccountsDeps, input: { username: string }) {
  const username = await resolveUsername(deps, input.username);
  await takeAttempt(deps, LIMITS.codeMail, username);
  await withCognitoErrors(async () => {
    try {
      await deps.cognito.send(new ResendConfirmationCodeCommand({ ClientId: deps.clientId, Username: username }));
    } catch (error) {
      if (!NOTHING_TO_RESEND.has(errorName(error) ?? '')) throw error;
      logger.info('confirmation code resend for an unknown or confirmed user answered as sent', { reason: errorName(error) });
    }
  });
  return { username: input.username, delivery: 'email' };
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
    () => limited(deps, [[LIMITS.resetCode, username]], () => deps.cognito.send(new ConfirmForgotPasswordCommand({
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
