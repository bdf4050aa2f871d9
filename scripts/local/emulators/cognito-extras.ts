/**
 * What cognito-local 5.3 lacks and Darkroom calls, added as extra X-Amz-Target handlers in front of
 * its router: ResendConfirmationCode, GlobalSignOut and AdminUserGlobalSignOut (refresh tokens dropped,
 * earlier access tokens refused), the pool's password policy (cognito-local stores it but never checks
 * it), Cognito's NotAuthorizedException for a wrong password and UserNotFoundException for confirming
 * an unknown user, and the session claims of Cognito's tokens (`origin_jti`, and `auth_time` kept
 * across refreshes; see {@link withSessionClaims}).
 */
import { createPublicKey, createSign, verify, type JsonWebKey } from 'node:crypto';
import { CognitoError, InvalidParameterError, NotAuthorizedError, UserNotFoundError } from 'cognito-local/lib/errors';
import type { Route, Router } from 'cognito-local/lib/server/Router';
import type { Services } from 'cognito-local/lib/services';
import type { Context } from 'cognito-local/lib/services/context';
import { selectAppropriateDeliveryMethod } from 'cognito-local/lib/services/messageDelivery/deliveryMethod';
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import privateKey from 'cognito-local/lib/keys/cognitoLocal.private.json';
import publicKey from 'cognito-local/lib/keys/cognitoLocal.public.json';

/**
 * A user record with the time (ms since epoch) of their last GlobalSignOut and the sessions (refresh
 * tokens' `jti`, the `origin_jti` of their tokens) it ended.
 */
type SignedOutUser = User & { SignedOutAt?: number; SignedOutSessions?: string[] };
interface AccessClaims { sub: string; username: string; client_id: string; token_use: string; iat: number; origin_jti?: string }

/** The claims of a JWT, unverified (only for tokens this emulator issued or just verified). */
const claimsOf = (token: string): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** Signs `claims` with cognito-local's key and header (RS256, kid CognitoLocal), as its own tokens are. */
function signAsPool(claims: Record<string, unknown>): string {
  const body = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(privateKey.pem).toString('base64url')}`;
}

/** The session a refresh token stands for: its `jti` (Cognito's `origin_jti`) and when it was issued (`auth_time`). */
function sessionOfRefreshToken(token: string | undefined): { origin_jti: string; auth_time: number } | undefined {
  const claims = token ? claimsOf(token) : {};
  return typeof claims.jti === 'string' && typeof claims.iat === 'number' ? { origin_jti: claims.jti, auth_time: claims.iat } : undefined;
}

/**
 * Gives the ID and access tokens of an InitiateAuth answer the session claims Cognito's carry and
 * cognito-local's lack: `origin_jti`, the same in every token issued from one refresh token (refreshed
 * ones included; Cognito adds it when the app client has token revocation on, the default), and
 * `auth_time`, the time of the sign-in, which a refresh keeps (cognito-local sets both `auth_time` and
 * `event_id` anew on each refresh; `event_id` is left as it gives it). Source: AWS re:Post knowledge
 * center "cognito-revoke-refresh-tokens": "the new access and ID tokens have the same origin_jti claim".
 */
export function withSessionClaims<T>(answer: T, presentedRefreshToken?: string): T {
  const result = (answer as { AuthenticationResult?: { AccessToken?: string; IdToken?: string; RefreshToken?: string } }).AuthenticationResult;
  const session = sessionOfRefreshToken(result?.RefreshToken ?? presentedRefreshToken);
  if (!result || !session) return answer;
  for (const field of ['AccessToken', 'IdToken'] as const) {
    const token = result[field];
    if (token) result[field] = signAsPool({ ...claimsOf(token), ...session });
  }
  return answer;
}

const verifyKey = createPublicKey({ key: publicKey.jwk as JsonWebKey, format: 'jwk' });

/**
 * Verifies an access token issued by cognito-local.
 * @throws NotAuthorizedException when the signature, expiry or token_use is wrong.
 */
function verifyAccessToken(token: string): AccessClaims {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), verifyKey, Buffer.from(signature, 'base64url'));
  const claims = signed ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessClaims & { exp: number }) : undefined;
  if (!claims || claims.token_use !== 'access' || claims.exp * 1000 < Date.now()) throw new NotAuthorizedError('Invalid Access Token');
  return claims;
}

async function userOfAccessToken(services: Services, ctx: Context, token: string): Promise<{ pool: UserPoolService; user: SignedOutUser; claims: AccessClaims }> {
  const claims = verifyAccessToken(token);
  const pool = await services.cognito.getUserPoolForClientId(ctx, claims.client_id);
  const user = (await pool.getUserByUsername(ctx, claims.username)) as SignedOutUser | null;
  if (!user) throw new UserNotFoundError();
  return { pool, user, claims };
}

/** Refuses an access token of a session the user's last GlobalSignOut ended, or issued (whole seconds) before it. */
async function assertNotRevoked(services: Services, ctx: Context, token: string): Promise<void> {
  const { user, claims } = await userOfAccessToken(services, ctx, token);
  const endedSession = claims.origin_jti !== undefined && (user.SignedOutSessions ?? []).includes(claims.origin_jti);
  if (endedSession || (user.SignedOutAt !== undefined && (claims.iat + 1) * 1000 <= user.SignedOutAt)) throw new NotAuthorizedError('Access Token has been revoked');
}

/** The user as a GlobalSignOut leaves it: no refresh token, and their sessions remembered as ended. */
const signedOut = (user: SignedOutUser): User => ({
  ...user,
  RefreshTokens: [],
  SignedOutAt: Date.now(),
  SignedOutSessions: (user.RefreshTokens ?? []).map((token) => sessionOfRefreshToken(token)?.origin_jti).filter((jti): jti is string => Boolean(jti)),
} as User);

/**
 * Checks a password against a pool's policy as Cognito does.
 * @throws InvalidPasswordException naming the first rule broken.
 */
export function checkPasswordPolicy(pool: UserPoolService, password: unknown): void {
  const policy = pool.options.Policies?.PasswordPolicy;
  if (!policy || typeof password !== 'string') return;
  const rules: Array<[boolean | undefined, RegExp | number, string]> = [
    [true, policy.MinimumLength ?? 8, 'Password not long enough'],
    [policy.RequireLowercase, /[a-z]/, 'Password must have lowercase characters'],
    [policy.RequireUppercase, /[A-Z]/, 'Password must have uppercase characters'],
    [policy.RequireNumbers, /[0-9]/, 'Password must have numeric characters'],
    [policy.RequireSymbols, /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/, 'Password must have symbol characters'],
  ];
  for (const [required, rule, message] of rules) {
    const ok = typeof rule === 'number' ? password.length >= rule : rule.test(password);
    if (required && !ok) throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${message}`);
  }
}

/** ResendConfirmationCode: a new code for an unconfirmed user, delivered like SignUp's. */
const resendConfirmationCode = (services: Services): Route => async (ctx, req: { ClientId: string; Username: string; ClientMetadata?: Record<string, string> }) => {
  const pool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId);
  const user = await pool.getUserByUsername(ctx, req.Username);
  if (!user) throw new UserNotFoundError('Username/client id combination not found.');
  if (user.UserStatus === 'CONFIRMED') throw new InvalidParameterError('User is already confirmed.');
  const delivery = selectAppropriateDeliveryMethod(pool.options.AutoVerifiedAttributes ?? [], user);
  if (!delivery) throw new InvalidParameterError('User has no attribute matching desired auto verified attributes');
  const code = services.otp();
  await services.messages.deliver(ctx, 'ResendCode', req.ClientId, pool.options.Id, user, code, req.ClientMetadata, delivery);
  await pool.saveUser(ctx, { ...user, ConfirmationCode: code, UserLastModifiedDate: services.clock.get() });
  return { CodeDeliveryDetails: delivery };
};

/** GlobalSignOut: drops every refresh token of the caller and refuses their earlier access tokens. */
const globalSignOut = (services: Services): Route => async (ctx, req: { AccessToken: string }) => {
  const { pool, user } = await userOfAccessToken(services, ctx, req.AccessToken);
  await assertNotRevoked(services, ctx, req.AccessToken);
  await pool.saveUser(ctx, signedOut(user));
  return {};
};

/** AdminUserGlobalSignOut: GlobalSignOut of a user named by pool and username (IAM-authorised, no token). */
const adminUserGlobalSignOut = (services: Services): Route => async (ctx, req: { UserPoolId: string; Username: string }) => {
  const pool = await services.cognito.getUserPool(ctx, req.UserPoolId);
  const user = await pool.getUserByUsername(ctx, req.Username);
  if (!user) throw new UserNotFoundError('User does not exist.');
  await pool.saveUser(ctx, signedOut(user));
  return {};
};

const EXTRA_TARGETS: Record<string, (services: Services) => Route> = {
  ResendConfirmationCode: resendConfirmationCode,
  GlobalSignOut: globalSignOut,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
};

/**
 * Cognito answers a wrong password on InitiateAuth with NotAuthorizedException ("Incorrect username or
 * password."); cognito-local with InvalidPasswordException, which Cognito keeps for policy violations.
 */
async function asCognitoAnswers<T>(target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const auth = target === 'InitiateAuth' || target === 'AdminInitiateAuth';
    if (auth && (error as { code?: string }).code === 'InvalidPasswordException') throw new NotAuthorizedError('Incorrect username or password.');
    throw error;
  }
}

/**
 * RevokeToken, as Cognito: the access tokens issued from the revoked refresh token stop working too
 * (cognito-local only drops the refresh token).
 */
async function endSession(services: Services, ctx: Context, clientId: string, refreshToken: string): Promise<void> {
  const session = sessionOfRefreshToken(refreshToken);
  const username = claimsOf(refreshToken)['cognito:username'];
  if (!session || typeof username !== 'string') return;
  const pool = await services.cognito.getUserPoolForClientId(ctx, clientId);
  const user = (await pool.getUserByUsername(ctx, username)) as SignedOutUser | null;
  if (user) await pool.saveUser(ctx, { ...user, SignedOutSessions: [...(user.SignedOutSessions ?? []), session.origin_jti] } as User);
}

/**
 * Cognito answers ConfirmSignUp for an unknown username with UserNotFoundException; cognito-local with
 * NotAuthorizedException, which Cognito keeps for "already confirmed".
 */
async function assertUserExists(services: Services, ctx: Context, req: Record<string, unknown>): Promise<void> {
  const pool = await services.cognito.getUserPoolForClientId(ctx, String(req.ClientId));
  if (!(await pool.getUserByUsername(ctx, String(req.Username)))) throw new UserNotFoundError('Username/client id combination not found.');
}

/** Which password field a target carries, and how to find its pool. */
async function passwordToCheck(services: Services, ctx: Context, target: string, req: Record<string, unknown>): Promise<[UserPoolService, unknown] | undefined> {
  switch (target) {
    case 'SignUp':
    case 'ConfirmForgotPassword':
      return [await services.cognito.getUserPoolForClientId(ctx, String(req.ClientId)), req.Password];
    case 'AdminSetUserPassword':
      return [await services.cognito.getUserPool(ctx, String(req.UserPoolId)), req.Password];
    case 'ChangePassword':
      return [(await userOfAccessToken(services, ctx, String(req.AccessToken))).pool, req.ProposedPassword];
    default:
      return undefined;
  }
}

/**
 * Wraps cognito-local's router: adds the missing targets and, for existing ones, enforces the
 * password policy and GlobalSignOut's revocation of access tokens.
 */
export function extendRouter(base: Router, services: Services): Router {
  return (target) => {
    const extra = EXTRA_TARGETS[target];
    if (extra) return extra(services);
    const route = base(target);
    return async (ctx, req: Record<string, unknown>) => {
      if (typeof req.AccessToken === 'string') await assertNotRevoked(services, ctx, req.AccessToken);
      const check = await passwordToCheck(services, ctx, target, req);
      if (check) checkPasswordPolicy(...check);
      if (target === 'ConfirmSignUp') await assertUserExists(services, ctx, req);
      const answer = await asCognitoAnswers(target, () => route(ctx, req));
      if (target === 'RevokeToken') await endSession(services, ctx, String(req.ClientId), String(req.Token));
      if (target !== 'InitiateAuth' && target !== 'AdminInitiateAuth') return answer;
      return withSessionClaims(answer, (req.AuthParameters as Record<string, string> | undefined)?.REFRESH_TOKEN);
    };
  };
}
