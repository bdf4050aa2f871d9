import { DomainError, logger, tooManyRequests } from '@darkroom/runtime';

/** The password policy of the user pool (functions/manifest.json `resources.userPools.users`), as users read it. */
export const PASSWORD_POLICY_TEXT =
  'at least 8 characters, with an upper-case letter, a lower-case letter and a number';

/** Per-call replacements of the default mapping, by Cognito exception name. */
export type CognitoErrorOverrides = Partial<Record<string, () => DomainError>>;

/** The name of an AWS SDK (or Cognito emulator) error, e.g. `NotAuthorizedException`. */
export const errorName = (error: unknown): string | undefined => (error as { name?: string } | undefined)?.name;

/**
 * Maps a Cognito error to the 4xx a client can act on, in Darkroom's own words (Cognito's text goes to
 * the log only). Messages never reveal whether a user exists (wrong password and unknown user read the same). Errors Cognito raises for our own faults, or that
 * are not Cognito's, are returned unchanged (a 500).
 * @param overrides - what a given exception means for this call (e.g. NotAuthorizedException on
 *   ConfirmSignUp means "already confirmed", not "wrong password")
 */
export function cognitoError(error: unknown, overrides: CognitoErrorOverrides = {}): unknown {
  const name = errorName(error);
  const override = name ? overrides[name] : undefined;
  if (override) return override();
  switch (name) {
    case 'UsernameExistsException': return new DomainError(409, 'That username is already taken');
    case 'AliasExistsException': return new DomainError(409, 'That e-mail address already belongs to an account');
    case 'InvalidPasswordException': return new DomainError(400, `Password does not meet the policy: ${PASSWORD_POLICY_TEXT}`);
    case 'InvalidParameterException':
      // Cognito's text names its internal constraints (regular expressions, field paths): logged, not sent.
      logger.info('Cognito refused a parameter', { reason: (error as Error).message });
      return new DomainError(400, 'The request was refused as invalid: check the username, e-mail address and password');
    case 'CodeMismatchException': return new DomainError(400, 'Invalid confirmation code');
    case 'ExpiredCodeException': return new DomainError(400, 'Confirmation code has expired or was already used: request a new one');
    case 'NotAuthorizedException':
    case 'UserNotFoundException': return new DomainError(401, 'Incorrect username or password');
    case 'UserNotConfirmedException': return new DomainError(403, 'Account is not confirmed: confirm it with the code sent by e-mail (POST /auth/auth_confirm)');
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException': return tooManyRequests('Too many attempts: wait a while and try again', 60);
    default: return error;
  }
}

/** Runs a Cognito call and rethrows its errors as {@link cognitoError} maps them (with `overrides`). */
export async function withCognitoErrors<T>(call: () => Promise<T>, overrides?: CognitoErrorOverrides): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw cognitoError(error, overrides);
  }
}

/** Cognito's answers to a wrong secret (password or code): the attempts rate limits count. */
const WRONG_SECRET = new Set(['NotAuthorizedException', 'UserNotFoundException', 'CodeMismatchException', 'ExpiredCodeException']);

/** True when `error` is Cognito refusing a wrong password or code (see {@link WRONG_SECRET}). */
export const isWrongSecret = (error: unknown): boolean => WRONG_SECRET.has(errorName(error) ?? '');
