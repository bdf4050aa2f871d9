/**
 * The auth API (seed 003's account endpoints, seed 002's login) through the local stack: the real SDK
 * against cognito-local (with the stack's shim), DynamoDB Local and the SES emulator; codes read from the
 * outbox as a user reads their mail.
 */
import { createSign, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminUserGlobalSignOutCommand, CognitoIdentityProviderClient, InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import privateKey from 'cognito-local/lib/keys/cognitoLocal.private.json';
import { INVALID_CONFIRMATION } from '../../functions/auth/lib/accounts';
import { functionEnvironment, loadManifest } from '../../scripts/manifest';
import { api, latestCode, newUser, outbox, stack, unique, waitFor } from '../support/stack';

const newIdentity = () => {
  const id = unique();
  return { username: `it-${id}`, email: `it-${id}@example.com`, password: `Pass-${id}-Word1` };
};

/** Signs up through the API and returns the identity and its confirmation code (from the outbox). */
async function signedUp() {
  const who = newIdentity();
  const response = await api('/auth/user_signup', { body: who });
  expect(response.status).toBe(200);
  return { ...who, code: await latestCode(who.email) };
}

const mailTo = async (address: string) => (await outbox()).filter((m) => m.to === address);

describe('the whole account walk', () => {
  it('sign-up -> code -> confirm -> login -> refresh -> forgot -> reset -> login -> logout -> refused', async () => {
    const who = newIdentity();
    const signup = await api('/auth/user_signup', { body: who });
    expect(signup.status).toBe(200);
    expect(signup.body).toMatchObject({ error: false, data: { username: who.username, confirmed: false } });

    const code = await latestCode(who.email);
    expect((await api('/auth/auth_confirm', { body: { username: who.username, confirm_code: code } })).body)
      .toMatchObject({ error: false, data: { confirmed: true } });

    const login = await api('/auth/user_login', { body: { username: who.email, password: who.password } });
    expect(login.status).toBe(200);
    const session = login.body.data;
    expect(session).toMatchObject({
      username: who.username, identity_id: expect.stringMatching(/^us-east-1:[0-9a-f-]{36}$/), id_token: expect.any(String), token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number),
      access_key: expect.stringMatching(/^ASIA/), secret_key: expect.any(String), session_key: expect.any(String), user_sub: expect.any(String),
    });
    expect(Date.parse(session.expires_at)).toBeGreaterThan(Date.now());
    expect(login.headers.get('authorization')).toBe(`Bearer ${session.id_token}`);
    expect((await api('/auth/template-invite-mail', { token: session.id_token })).status).toBe(200);

    const refreshed = await api('/auth/refresh_token', { body: { username: who.username, refresh_token: session.refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.data).toMatchObject({ identity_id: session.identity_id, user_sub: session.user_sub, refresh_token: session.refresh_token });
    expect(refreshed.body.data.access_key).not.toBe(session.access_key);
    expect((await api('/auth/template-invite-mail', { token: refreshed.body.data.token })).status).toBe(200);

    expect((await api('/auth/forgot_password', { body: { username: who.username } })).status).toBe(200);
    const resetCode = await waitFor(async () => (await mailTo(who.email)).find((m) => m.subject === 'Your password reset code')?.code);
    const newPassword = `New-${unique()}-Pass9`;
    const reset = await api('/auth/confirm_code_forgot_password', { body: { username: who.username, password: newPassword, confirm_code: resetCode } });
    expect(reset).toMatchObject({ status: 200, body: { error: false, data: { password_reset: true } } });
    expect((await api('/auth/user_login', { body: { username: who.username, password: who.password } })).status).toBe(401);
    const again = await api('/auth/user_login', { body: { username: who.username, password: newPassword } });
    expect(again.status).toBe(200);
    const { id_token: idToken, token: accessToken, refresh_token: refreshToken } = again.body.data;

    const logout = await api('/auth/logout', { token: accessToken, body: { refresh_token: refreshToken } });
    expect(logout).toMatchObject({ status: 200, body: { message: 'Logged out', error: false } });
    for (const token of [idToken, accessToken, session.id_token, refreshed.body.data.id_token]) {
      const refused = await api('/auth/template-invite-mail', { token });
      expect(refused).toMatchObject({ status: 401, body: { error: true, message: 'Token has been revoked: log in again' } });
    }
    for (const stale of [refreshToken, session.refresh_token]) {
      const refusedRefresh = await api('/auth/refresh_token', { body: { username: who.username, refresh_token: stale } });
      expect(refusedRefresh.status).toBe(401);
    }
  });

  it('a login within the same second as the logout works, while every session begun before the logout stays refused', async () => {
    const ada = await newUser('relogin');
    const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;
    const login = async () => (await api('/auth/user_login', { body: { username: ada.username, password: ada.password } })).body.data;
    let sameSecond = 0;
    for (let attempt = 0; attempt < 6 && sameSecond < 1; attempt += 1) {
      const old = await login();
      const refreshed = (await api('/auth/refresh_token', { body: { username: ada.username, refresh_token: old.refresh_token } })).body.data;
      // Cognito's session claims (the local Cognito adds what cognito-local lacks): one origin_jti per refresh token, auth_time kept.
      expect(claims(refreshed.token)).toMatchObject({ origin_jti: claims(old.token).origin_jti, auth_time: claims(old.token).auth_time });
      expect(claims(old.id_token).origin_jti).toBe(claims(old.token).origin_jti);
      // Start at the top of a second, so logout and login fall into one second as often as the machine allows.
      await new Promise((done) => setTimeout(done, 1000 - (Date.now() % 1000)));
      const otherDevice = await login();
      const logout = await api('/auth/logout', { method: 'POST', token: old.token });
      expect(logout.status).toBe(200);
      const fresh = await login();
      const loggedOutAt = Math.floor(Date.parse(logout.body.data.logged_out_at) / 1000);
      if (claims(fresh.token).auth_time === loggedOutAt) sameSecond += 1;
      for (const token of [fresh.id_token, fresh.token]) expect((await api('/auth/template-invite-mail', { token })).status).toBe(200);
      // Every session begun before the logout is over, another device's begun in the same second included.
      for (const token of [old.id_token, old.token, refreshed.id_token, refreshed.token, otherDevice.id_token, otherDevice.token]) {
        expect(await api('/auth/template-invite-mail', { token })).toMatchObject({ status: 401, body: { message: 'Token has been revoked: log in again' } });
      }
      expect((await api('/auth/refresh_token', { body: { username: ada.username, refresh_token: old.refresh_token } })).status).toBe(401);
      expect((await api('/auth/refresh_token', { body: { username: ada.username, refresh_token: fresh.refresh_token } })).status).toBe(200);
      // The next attempt begins from this fresh session; log it out first so each round starts alike.
      expect((await api('/auth/logout', { method: 'POST', token: fresh.token })).status).toBe(200);
    }
    expect(sameSecond).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('logs out with an ID token too (AdminUserGlobalSignOut through the shim), refresh token included', async () => {
    const ada = await newUser('logout');
    expect((await api('/auth/logout', { method: 'POST', token: ada.idToken })).status).toBe(200);
    expect((await api('/auth/template-invite-mail', { token: ada.accessToken })).status).toBe(401);
    expect((await api('/auth/refresh_token', { body: { username: ada.username, refresh_token: ada.refreshToken } })).status).toBe(401);
  });
});

describe('sign-up refuses bad input and changes nothing', () => {
  it.each([
    ['a missing field', (w: ReturnType<typeof newIdentity>) => ({ username: w.username, password: w.password }), 400, 'email: is required (body)'],
    ['a wrongly typed field', (w: ReturnType<typeof newIdentity>) => ({ ...w, username: { name: w.username } }), 400, 'username: must be string (body)'],
    ['a weak password', (w: ReturnType<typeof newIdentity>) => ({ ...w, password: 'password' }), 400, 'Password does not meet the policy: at least 8 characters, with an upper-case letter, a lower-case letter and a number'],
  ])('%s: 400 naming the problem, and the account can still be created', async (_, body, status, message) => {
    const who = newIdentity();
    const response = await api('/auth/user_signup', { body: body(who) });
    expect(response).toMatchObject({ status, body: { message, data: {}, error: true } });
    expect(await mailTo(who.email)).toEqual([]);
    expect((await api('/auth/user_signup', { body: who })).status).toBe(200);
  });

  it('treats e-mail addresses case-insensitively: A@EXAMPLE.com is a@example.com', async () => {
    const taken = await signedUp();
    const shouted = taken.email.replace(/^([^@]+)@(.+)$/, (_, local: string, domain: string) => `${local[0]!.toUpperCase()}${local.slice(1)}@${domain.toUpperCase()}`);
    expect(shouted).not.toBe(taken.email);
    const other = newIdentity();
    expect(await api('/auth/user_signup', { body: { ...other, email: shouted } }))
      .toMatchObject({ status: 409, body: { message: 'That e-mail address already belongs to an account', error: true } });
    // A mixed-case sign-up is stored lower-cased, so its owner logs in by the address in any case.
    const mixed = newIdentity();
    const upper = mixed.email.toUpperCase();
    expect((await api('/auth/user_signup', { body: { ...mixed, email: upper } })).status).toBe(200);
    const code = await latestCode(mixed.email);
    expect((await api('/auth/auth_confirm', { body: { username: mixed.username, confirm_code: code } })).status).toBe(200);
    expect(await api('/auth/user_login', { body: { username: upper, password: mixed.password } })).toMatchObject({ status: 200, body: { data: { email: mixed.email } } });
    expect((await api('/auth/user_signup', { body: { ...newIdentity(), email: mixed.email } })).status).toBe(409);
  });

  it('refuses an existing username and an existing e-mail address with 409', async () => {
    const taken = await signedUp();
    const other = newIdentity();
    expect(await api('/auth/user_signup', { body: { ...other, username: taken.username } })).toMatchObject({ status: 409, body: { message: 'That username is already taken' } });
    expect(await api('/auth/user_signup', { body: { ...other, email: taken.email } })).toMatchObject({ status: 409, body: { message: 'That e-mail address already belongs to an account' } });
  });
});

describe('confirmation codes', () => {
  it('refuses a wrong code, then a reused one; a login before confirmation is told to confirm', async () => {
    const who = await signedUp();
    const early = await api('/auth/user_login', { body: { username: who.username, password: who.password } });
    expect(early).toMatchObject({ status: 403, body: { message: expect.stringContaining('confirm it with the code sent by e-mail') } });
    const wrong = who.code === '000000' ? '111111' : '000000';
    expect(await api('/auth/auth_confirm', { body: { username: who.username, confirm_code: wrong } })).toMatchObject({ status: 400, body: { message: INVALID_CONFIRMATION } });
    expect((await api('/auth/user_login', { body: { username: who.username, password: who.password } })).status).toBe(403);
    expect((await api('/auth/auth_confirm', { body: { username: who.username, confirm_code: who.code } })).status).toBe(200);
    const reused = await api('/auth/auth_confirm', { body: { username: who.username, confirm_code: who.code } });
    expect(reused.status).toBeGreaterThanOrEqual(400);
    expect(reused.status).toBeLessThan(500);
    expect(reused.body.error).toBe(true);
  });

  it('resends a new code that confirms; a resend for a confirmed account is answered as for any other, and mails nothing', async () => {
    const who = await signedUp();
    expect((await api('/auth/resend_confirmcode', { body: { username: who.username } })).status).toBe(200);
    const resent = await waitFor(async () => {
      const mails = (await mailTo(who.email)).filter((m) => m.code);
      return mails.length === 2 ? mails[0]!.code : undefined;
    }, { what: 'the resent code' });
    expect((await api('/auth/auth_confirm', { body: { username: who.username, confirm_code: resent } })).status).toBe(200);
    const again = await api('/auth/resend_confirmcode', { body: { username: who.username } });
    expect(again).toMatchObject({ status: 200, body: { error: false, data: { username: who.username, delivery: 'email' } } });
    expect((await mailTo(who.email)).filter((m) => m.code)).toHaveLength(2);
  });

  it('tells nobody whether an account exists: resend and confirm answer an unknown username like a known one', async () => {
    const known = await signedUp();
    const ghost = `ghost-${unique()}`;
    const resendKnown = await api('/auth/resend_confirmcode', { body: { username: known.username } });
    const resendGhost = await api('/auth/resend_confirmcode', { body: { username: ghost } });
    expect(resendGhost.status).toBe(resendKnown.status);
    expect({ ...resendGhost.body, data: { ...resendGhost.body.data, username: known.username } }).toEqual(resendKnown.body);

    const wrong = known.code === '000000' ? '111111' : '000000';
    const confirmKnown = await api('/auth/auth_confirm', { body: { username: known.username, confirm_code: wrong } });
    const confirmGhost = await api('/auth/auth_confirm', { body: { username: ghost, confirm_code: '123456' } });
    expect(confirmGhost).toMatchObject({ status: 400, body: { message: INVALID_CONFIRMATION, error: true } });
    expect(confirmGhost.body).toEqual(confirmKnown.body);
    expect(confirmGhost.body.message).not.toMatch(/^Account is already confirmed/);
    expect((await outbox()).some((m) => m.to.includes(ghost))).toBe(false);
  });

  it('answers 429 with Retry-After after 5 wrong codes, even for the right one', async () => {
    const who = await signedUp();
    for (let i = 0; i < 5; i += 1) {
      expect((await api('/auth/auth_confirm', { body: { username: who.username, confirm_code: `99999${i}` } })).status).toBe(400);
    }
    const throttled = await api('/auth/auth_confirm', { body: { username: who.username, confirm_code: who.code } });
    expect(throttled).toMatchObject({ status: 429, body: { message: 'Too many wrong confirmation codes for this user: try again later', error: true } });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('login', () => {
  it('refuses a wrong password and an unknown user alike with 401', async () => {
    const ada = await newUser('pw');
    const wrong = await api('/auth/user_login', { body: { username: ada.username, password: 'Wrong-Pass-1' } });
    const unknown = await api('/auth/user_login', { body: { username: `nobody-${unique()}`, password: 'Wrong-Pass-1' } });
    expect(wrong).toMatchObject({ status: 401, body: { message: 'Incorrect username or password', data: {}, error: true } });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('locks out the address that guessed, not the account: 429 there after 5 wrong passwords, the owner elsewhere logs in', async () => {
    const ada = await newUser('throttle');
    const attacker = { localAddress: '127.0.0.3' };
    for (let i = 0; i < 5; i += 1) {
      expect((await api('/auth/user_login', { ...attacker, body: { username: ada.username, password: `Wrong-${i}-Pass` } })).status).toBe(401);
    }
    const throttled = await api('/auth/user_login', { ...attacker, body: { username: ada.username, password: ada.password } });
    expect(throttled).toMatchObject({ status: 429, body: { message: 'Too many failed logins for this user from your address: try again later' } });
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await api('/photos/login', { ...attacker, body: { username: ada.email, password: ada.password } })).status).toBe(429);
    // The owner, from another address, is not locked out (by username or by e-mail).
    expect((await api('/auth/user_login', { localAddress: '127.0.0.4', body: { username: ada.username, password: ada.password } })).status).toBe(200);
    expect((await api('/photos/login', { localAddress: '127.0.0.4', body: { username: ada.email, password: ada.password } })).status).toBe(200);
  });

  it('stops a guesser spread over many addresses at the per-username ceiling (20 per 15 minutes)', async () => {
    const ada = await newUser('ceiling');
    for (let source = 10; source < 14; source += 1) {
      for (let i = 0; i < 5; i += 1) {
        expect((await api('/auth/user_login', { localAddress: `127.0.0.${source}`, body: { username: ada.username, password: `Wrong-${i}-Pass` } })).status).toBe(401);
      }
    }
    expect(await api('/auth/user_login', { localAddress: '127.0.0.20', body: { username: ada.username, password: ada.password } }))
      .toMatchObject({ status: 429, body: { message: 'Too many failed logins for this user: try again later' } });
  });

  it('POST /photos/login returns {jwt, credentials} as seed 002, and the jwt opens Darkroom endpoints', async () => {
    const ada = await newUser('photos');
    const response = await api('/photos/login', { body: { username: ada.email, password: ada.password } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ jwt: expect.any(String), credentials: ada.email });
    expect((await api('/auth/template-invite-mail', { token: response.body.jwt })).status).toBe(200);
    expect(await api('/photos/login', { body: { username: ada.email } })).toMatchObject({ status: 400, body: { message: 'password: is required (body)' } });
  });
});

describe('refresh and password reset refuse what they must', () => {
  it('refuses a refresh token of another user', async () => {
    const [ada, bob] = await Promise.all([newUser('ada'), newUser('bob')]);
    const stolen = await api('/auth/refresh_token', { body: { username: bob.username, refresh_token: ada.refreshToken } });
    expect(stolen).toMatchObject({ status: 401, body: { message: 'Refresh token does not belong to that user', error: true } });
    expect((await api('/auth/refresh_token', { body: { username: ada.username, refresh_token: 'not-a-token' } })).status).toBe(401);
  });

  it('answers forgot_password for an unknown user exactly as for a known one, and mails only the known', async () => {
    const ada = await newUser('forgot');
    const ghost = `ghost-${unique()}`;
    const known = await api('/auth/forgot_password', { body: { username: ada.username } });
    const unknown = await api('/auth/forgot_password', { body: { username: ghost } });
    expect(unknown.status).toBe(known.status);
    expect({ ...unknown.body, data: { ...unknown.body.data, username: ada.username } }).toEqual(known.body);
    expect((await outbox()).some((m) => m.to.includes(ghost))).toBe(false);
  });

  it('limits forgot_password to 5 code e-mails per username per hour, shared with resend_confirmcode, and mails no sixth', async () => {
    const ada = await newUser('forgot-limit');
    const resetMails = async () => (await mailTo(ada.email)).filter((m) => m.subject === 'Your password reset code');
    for (let i = 0; i < 4; i += 1) expect((await api('/auth/forgot_password', { body: { username: i % 2 ? ada.email : ada.username } })).status).toBe(200);
    expect((await api('/auth/resend_confirmcode', { body: { username: ada.username } })).status).toBe(200);
    const sixth = await api('/auth/forgot_password', { body: { username: ada.username } });
    expect(sixth).toMatchObject({ status: 429, body: { message: 'Too many codes requested for this user: try again later', error: true } });
    expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    await waitFor(async () => (await resetMails()).length === 4, { what: 'four reset mails' });
    expect(await resetMails()).toHaveLength(4);
    // Unknown usernames are limited the same way (the limit tells nothing either).
    const ghost = `ghost-${unique()}`;
    for (let i = 0; i < 5; i += 1) expect((await api('/auth/forgot_password', { body: { username: ghost } })).status).toBe(200);
    expect((await api('/auth/forgot_password', { body: { username: ghost } })).status).toBe(429);
  });

  it('refuses a wrong reset code and a weak new password, keeping the old password', async () => {
    const ada = await newUser('reset');
    await api('/auth/forgot_password', { body: { username: ada.username } });
    const code = await waitFor(async () => (await mailTo(ada.email)).find((m) => m.subject === 'Your password reset code')?.code);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await api('/auth/confirm_code_forgot_password', { body: { username: ada.username, password: 'Brand-New-1', confirm_code: wrong } }))
      .toMatchObject({ status: 400, body: { message: 'Invalid reset code' } });
    expect(await api('/auth/confirm_code_forgot_password', { body: { username: ada.username, password: 'weakpass', confirm_code: code } }))
      .toMatchObject({ status: 400, body: { message: expect.stringContaining('Password does not meet the policy') } });
    expect((await api('/auth/user_login', { body: { username: ada.username, password: ada.password } })).status).toBe(200);
    expect((await api('/auth/confirm_code_forgot_password', { body: { username: ada.username, password: 'Brand-New-1', confirm_code: code } })).status).toBe(200);
    const reused = await api('/auth/confirm_code_forgot_password', { body: { username: ada.username, password: 'Brand-New-2', confirm_code: code } });
    expect(reused).toMatchObject({ status: 400, body: { error: true } });
  });
});

describe('invitations', () => {
  it('gives the template and sends the invitation through SES, 10 a day, to valid addresses, as oneself only', async () => {
    const ada = await newUser('inviter');
    const template = await api('/auth/template-invite-mail', { token: ada.idToken });
    expect(template.body.data).toMatchObject({ template_mail: expect.stringContaining('{{username}}'), placeholders: { username: expect.any(String), destination_email: expect.any(String) } });

    const invalid = await api('/send-mail/reference-email', { token: ada.idToken, body: { username: ada.username, destination_email: 'grace@example.com, eve@example.com' } });
    expect(invalid).toMatchObject({ status: 400, body: { error: true } });
    expect((await api('/send-mail/reference-email', { token: ada.idToken, body: { username: 'someone-else', destination_email: 'grace@example.com' } })).status).toBe(403);

    const guests = Array.from({ length: 10 }, (_, i) => `guest${i}-${unique()}@example.com`);
    for (const [i, guest] of guests.entries()) {
      const sent = await api('/send-mail/reference-email', { token: ada.idToken, body: { username: ada.username, destination_email: guest } });
      expect(sent).toMatchObject({ status: 200, body: { data: { destination_email: guest, sent_today: i + 1, daily_limit: 10 } } });
    }
    const mail = await waitFor(async () => (await mailTo(guests[0]!))[0]);
    expect(mail.subject).toBe(`${ada.username} invites you to Darkroom`);
    expect(mail.text).toContain(guests[0]);
    const late = `late-${unique()}@example.com`;
    const over = await api('/send-mail/reference-email', { token: ada.idToken, body: { username: ada.username, destination_email: late } });
    expect(over).toMatchObject({ status: 429, body: { message: 'Daily invitation limit reached (10 per day): try again tomorrow' } });
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(86_400);
    expect(await mailTo(late)).toEqual([]);
    expect(await mailTo('eve@example.com')).toEqual([]);
  });
});

describe('the local stack fills what cognito-local lacks', () => {
  const idp = () => new CognitoIdentityProviderClient({
    region: stack().env.AWS_REGION, endpoint: stack().cognito,
    credentials: { accessKeyId: stack().env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack().env.AWS_SECRET_ACCESS_KEY! },
  });

  it('answers a wrong password with NotAuthorizedException, as Cognito does', async () => {
    const ada = await newUser('shim');
    await expect(idp().send(new InitiateAuthCommand({ ClientId: stack().userPool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: ada.username, PASSWORD: 'Wrong-Pass-1' } })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('implements AdminUserGlobalSignOut: refresh tokens stop working', async () => {
    const ada = await newUser('shim');
    await idp().send(new AdminUserGlobalSignOutCommand({ UserPoolId: stack().userPool.id, Username: ada.username }));
    await expect(idp().send(new InitiateAuthCommand({ ClientId: stack().userPool.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: ada.refreshToken } })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});

describe('POST /auth/login_google against a stand-in /oauth2/token', () => {
  /** Signs claims as cognito-local signs its tokens, so the stand-in issues what the pool would. */
  const signAsPool = (claims: Record<string, unknown>) => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const body = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' })}.${b64(claims)}`;
    return `${body}.${createSign('RSA-SHA256').update(body).sign(privateKey.pem).toString('base64url')}`;
  };
  let tokenServer: Server;
  let googleApi: { server: Server; url: string };
  const codes = new Map<string, { redirectUri: string; tokens: Record<string, unknown> }>();

  beforeAll(async () => {
    // The stand-in: one-time codes, checked against client_id and redirect_uri, as the hosted UI does.
    tokenServer = createServer(async (request, response) => {
      let raw = '';
      for await (const chunk of request) raw += chunk;
      const form = new URLSearchParams(raw);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const ok = request.url === '/oauth2/token' && form.get('grant_type') === 'authorization_code'
        && form.get('client_id') === stack().userPool.clientId && grant?.redirectUri === form.get('redirect_uri');
      response.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? grant!.tokens : { error: 'invalid_grant' }));
    });
    await new Promise<void>((done) => tokenServer.listen(0, '127.0.0.1', done));
    // The login_google function served by the stack's own API adapter, in this process, with the stack's
    // environment except OAUTH_TOKEN_URL, which names the stand-in.
    const manifest = loadManifest();
    const google = manifest.functions.find((fn) => fn.name === 'auth-login-google')!;
    Object.assign(process.env, functionEnvironment(google, (ref) => stack().resources[ref], stack().env), {
      OAUTH_TOKEN_URL: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/oauth2/token`,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const { startHttpApi } = await import('../../scripts/local/api');
    googleApi = await startHttpApi({ functions: [google], port: 0 });
  });
  afterAll(async () => {
    for (const server of [tokenServer, googleApi?.server]) {
      server?.closeAllConnections();
      await new Promise((done) => server?.close(done));
    }
  });

  const googleLogin = async (body: unknown) => {
    return api('/auth/login_google', { base: googleApi.url, body });
  };

  it('returns the same data as a login, with tokens every Darkroom endpoint accepts; a used code is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sub = randomUUID();
    const username = `google_${Date.now()}`;
    const common = { sub, iss: stack().userPool.issuer, iat: now, auth_time: now, exp: now + 3600 };
    const tokens = {
      id_token: signAsPool({ ...common, aud: stack().userPool.clientId, token_use: 'id', 'cognito:username': username, email: 'grace@gmail.com' }),
      access_token: signAsPool({ ...common, client_id: stack().userPool.clientId, token_use: 'access', username }),
      refresh_token: signAsPool({ sub, token_use: 'refresh' }),
      expires_in: 3600, token_type: 'Bearer',
    };
    const redirect_uri = 'http://localhost:3000/auth/callback';
    codes.set('code-1', { redirectUri: redirect_uri, tokens });

    const login = await googleLogin({ code: 'code-1', redirect_uri });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({
      message: 'Logged in with Google', error: false,
      data: {
        id_token: tokens.id_token, token: tokens.access_token, refresh_token: tokens.refresh_token, expires_in: 3600, token_type: 'Bearer', user_sub: sub, username, email: 'grace@gmail.com',
        identity_id: expect.stringMatching(/^us-east-1:/), access_key: expect.stringMatching(/^ASIA/), secret_key: expect.any(String), session_key: expect.any(String), expires_at: expect.any(String),
      },
    });
    expect(login.headers.get('authorization')).toBe(`Bearer ${tokens.id_token}`);
    expect((await api('/auth/template-invite-mail', { token: login.body.data.id_token })).status).toBe(200);

    const reused = await googleLogin({ code: 'code-1', redirect_uri });
    expect(reused).toMatchObject({ status: 400, body: { message: 'Authorization code is invalid, expired or already used: sign in with Google again', error: true } });
  });

  it('refuses a code sent with another redirect_uri, and a missing code', async () => {
    codes.set('code-2', { redirectUri: 'http://localhost:3000/auth/callback', tokens: {} });
    expect((await googleLogin({ code: 'code-2', redirect_uri: 'https://evil.example/cb' })).status).toBe(400);
    expect(await googleLogin({ redirect_uri: 'http://localhost:3000/auth/callback' })).toMatchObject({ status: 400, body: { message: 'code: is required (body)' } });
  });
});
