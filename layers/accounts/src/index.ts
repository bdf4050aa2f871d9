/**
 * What the services that log users in and out share: Cognito account sessions (auth's user_login and
 * logout, photos' login, social's logout). Service-only account code (sign-up, codes, refresh, Google,
 * invitations) stays in functions/auth/lib.
 */
export { type AccountsDeps, filterValue, normalizeEmail, resolveUsername, usernameByEmail } from './accounts';
export { accountsDeps } from './deps';
export {
  PASSWORD_POLICY_TEXT, cognitoError, errorName, isWrongSecret, withCognitoErrors, type CognitoErrorOverrides,
} from './errors';
export { LOGIN_LIMITS, limited, sourceKey, takeAttempt, type Attempt, type LimitsDeps, type RateLimit } from './limits';
export { password, username } from './schemas';
export { admitSession, logIn, logOut, sessionTokens, type CognitoTokens, type SessionTokens } from './sessions';
