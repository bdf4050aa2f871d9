/** Session endpoints: user_login, photos/login (seed 002), refresh_token, logout and its revocation. Cognito mocked. */
import {
  AdminUserGlobalSignOutCommand, GlobalSignOutCommand, InitiateAuthCommand, ListUsersCommand, RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TestIssuer } from '../../support/tokens';
import { sourceKey } from '@darkroom/accounts';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { call, cognitoFailure, cognitoMock, dynamoMock, IDENTITY, identityMock, resetMocks, useTestIssuer } from './support';

let issuer: TestIssuer;
let login: unknown; let photosLogin: unknown; let refresh: unknown; let logout: unknown; let template: unknown;
beforeAll(async () => {
  issuer = await useTestIssuer();
  ({ handler: login } = await import('../../../functions/auth/user_login/handler'));
  ({ handler: photosLogin } = await import('../../../functions/photos/login/handler'));
  ({ handler: refresh } = await import('../../../functions/auth/refresh_token/handler'));
  ({ handler: logout } = await import('../../../functions/auth/logout/handler'));
  ({ handler: template } = await import('../../../functions/auth/template_invite_mail/handler'));
});
afterAll(() => issuer.close());

/** The auth table as a map, so a logout's revocation record is what the next request reads. */
let table: Map<string, Record<string, unknown>>;
beforeEach(() => {
  resetMocks();
  table = new Map();
  const key = (k: Record<string, unknown>) => `${String(k.pk)}|${String(k.sk)}`;
  dynamoMock.on(PutCommand).callsFake(async ({ Item }) => { table.set(key(Item), Item); return {}; });
  dynamoMock.on(GetCommand).callsFake(async ({ Key }) => ({ Item: table.get(key(Key)) }));
  cognitoMock.on(ListUsersCommand).resolves({ Users: [] });
});

const now = () => Math.floor(Date.now() / 1000);
const adaClaims = { 'cognito:username': 'ada', email: 'ada@example.com' };
const authResult = (extra: Record<string, unknown> = {}) => ({
  IdToken: issuer.idToken('sub-ada', { ...adaClaims, ...extra }),
  AccessToken: issuer.accessToken('sub-ada', { username: 'ada', ...extra }),
  RefreshToken: 'refresh-ada',
  ExpiresIn: 3600,
});
const overLimit = () => dynamoMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

describe('POST /auth/user_login', () => {
  it('returns the tokens, the identity and its temporary credentials in data, and the Bearer header', async () => {
    const result = authResult();
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: result });
    const answer = await call(login, { body: { username: 'ada', password: 'Lovelace1815' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      message: 'Logged in', error: false,
      data: { id_token: result.IdToken, token: result.AccessToken, refresh_token: 'refresh-ada', expires_in: 3600, token_type: 'Bearer', user_sub: 'sub-ada', username: 'ada', email: 'ada@example.com', ...IDENTITY },
    });
    expect(answer.headers.Authorization).toBe(`Bearer ${result.IdToken}`);
    const logins = { [issuer.issuer.replace(/^https?:\/\//, '')]: result.IdToken };
    expect(identityMock.commandCalls(GetIdCommand)[0]!.args[0].input).toEqual({ IdentityPoolId: process.env.IDENTITY_POOL_ID, Logins: logins });
    expect(identityMock.commandCalls(GetCredentialsForIdentityCommand)[0]!.args[0].input).toEqual({ IdentityId: IDENTITY.identity_id, Logins: logins });
  });

  it('looks the identity id up once per user: a cached one is used without GetId', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: authResult() });
    await call(login, { body: { username: 'ada', password: 'Lovelace1815' } });
    await call(login, { body: { username: 'ada', password: 'Lovelace1815' } });
    expect(identityMock.commandCalls(GetIdCommand)).toHaveLength(1);
    expect(identityMock.commandCalls(GetCredentialsForIdentityCommand)).toHaveLength(2);
    expect(table.get('IDENTITY#sub-ada|IDENTITY')).toMatchObject({ identity_id: IDENTITY.identity_id });
  });

  it('answers 502, with no tokens, when Cognito Identity fails', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: authResult() });
    identityMock.on(GetCredentialsForIdentityCommand).rejects(cognitoFailure('InternalErrorException'));
    const answer = await call(login, { body: { username: 'ada', password: 'Lovelace1815' } });
    expect(answer.status).toBe(502);
    expect(JSON.stringify(answer.body)).not.toContain('id_token');
  });

  it('logs in with the e-mail address of the account', async () => {
    cognitoMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'ada' }] });
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: authResult() });
    await call(login, { body: { username: 'ada@example.com', password: 'Lovelace1815' } });
    expect(cognitoMock.commandCalls(InitiateAuthCommand)[0]!.args[0].input.AuthParameters?.USERNAME).toBe('ada');
  });

  it.each([
    ['a wrong password', 'NotAuthorizedException', 401, 'Incorrect username or password'],
    ['an unknown user (same answer)', 'UserNotFoundException', 401, 'Incorrect username or password'],
    ['an unconfirmed account, saying to confirm', 'UserNotConfirmedException', 403, 'Account is not confirmed: confirm it with the code sent by e-mail (POST /auth/auth_confirm)'],
  ])('refuses %s', async (_, error, status, message) => {
    cognitoMock.on(InitiateAuthCommand).rejects(cognitoFailure(error));
    expect(await call(login, { body: { username: 'ada', password: 'Wrong1234' } })).toMatchObject({ status, body: { message, data: {}, error: true } });
  });

  it('refuses a missing password and a password that is not a string with 400', async () => {
    expect((await call(login, { body: { username: 'ada' } })).body.message).toBe('password: is required (body)');
    expect((await call(login, { body: { username: 'ada', password: ['x', 'y'] } })).status).toBe(400);
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('counts wrong passwords per (username, source address) and per username, and answers 429 with Retry-After', async () => {
    cognitoMock.on(InitiateAuthCommand).rejects(cognitoFailure('NotAuthorizedException'));
    await call(login, { body: { username: 'Ada', password: 'Wrong1234' }, sourceIp: '203.0.113.9' });
    const takes = dynamoMock.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(takes).toHaveLength(2);
    expect(takes[0]).toMatchObject({ Key: { pk: 'LIMIT#LOGIN#ada#203.0.113.9' }, ExpressionAttributeValues: expect.objectContaining({ ':max': 5 }) });
    expect(takes[1]).toMatchObject({ Key: { pk: 'LIMIT#LOGINALL#ada' }, ExpressionAttributeValues: expect.objectContaining({ ':max': 20 }) });
    overLimit();
    const answer = await call(login, { body: { username: 'ada', password: 'Lovelace1815' }, sourceIp: '203.0.113.9' });
    expect(answer).toMatchObject({ status: 429, body: { message: 'Too many failed logins for this user from your address: try again later', error: true } });
    expect(Number(answer.headers['Retry-After'])).toBeLessThanOrEqual(900);
    expect(cognitoMock.commandCalls(InitiateAuthCommand)).toHaveLength(1);
  });

  it('locks out the guessing address, not the account: the owner elsewhere logs in, until the per-username ceiling', async () => {
    const counts = new Map<string, number>();
    dynamoMock.on(UpdateCommand).callsFake(async ({ Key, UpdateExpression, ExpressionAttributeValues }) => {
      const pk = String(Key.pk);
      const count = counts.get(pk) ?? 0;
      if (UpdateExpression.includes('- :one')) { counts.set(pk, count - 1); return {}; }
      if (count >= ExpressionAttributeValues[':max']) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      counts.set(pk, count + 1);
      return { Attributes: { count: count + 1 } };
    });
    cognitoMock.on(InitiateAuthCommand, { AuthParameters: { USERNAME: 'ada', PASSWORD: 'Lovelace1815' } }).resolves({ AuthenticationResult: authResult() });
    cognitoMock.on(InitiateAuthCommand, { AuthParameters: { USERNAME: 'ada', PASSWORD: 'Guess' } }).rejects(cognitoFailure('NotAuthorizedException'));
    const attempt = (sourceIp: string, password: string) => call(login, { body: { username: 'ada', password }, sourceIp });
    for (let i = 0; i < 5; i += 1) expect((await attempt('198.51.100.7', 'Guess')).status).toBe(401);
    expect((await attempt('198.51.100.7', 'Guess')).status).toBe(429);
    expect((await attempt('198.51.100.7', 'Lovelace1815')).status).toBe(429);
    expect((await attempt('192.0.2.1', 'Lovelace1815')).status).toBe(200);
    // A guesser spread over more addresses meets the per-username ceiling (20), and then so does everyone.
    for (const ip of ['198.51.100.8', '198.51.100.9', '198.51.100.10']) {
      for (let i = 0; i < 5; i += 1) expect((await attempt(ip, 'Guess')).status).toBe(401);
    }
    const ceiling = await attempt('192.0.2.1', 'Lovelace1815');
    expect(ceiling).toMatchObject({ status: 429, body: { message: 'Too many failed logins for this user: try again later' } });
    // A refused attempt takes nothing from the address's own allowance.
    expect(counts.get('LIMIT#LOGIN#ada#192.0.2.1')).toBe(0);
  });

  it.each([
    ['an IPv4 address as it is', '203.0.113.9', '203.0.113.9'],
    ['an IPv4-mapped IPv6 address as IPv4', '::ffff:203.0.113.9', '203.0.113.9'],
    ['an IPv6 address by its /64', '2001:db8:0:12:aaaa:bbbb:cccc:dddd', '2001:db8:0:12::/64'],
    ['a compressed IPv6 address by its /64', '2001:db8::1', '2001:db8:0:0::/64'],
    ['no address as unknown', undefined, 'unknown'],
  ])('counts %s', (_, ip, key) => {
    expect(sourceKey(ip)).toBe(key);
  });
});

describe('POST /photos/login (seed 002)', () => {
  it('returns exactly {jwt, credentials}: the ID token and the e-mail', async () => {
    const result = authResult();
    cognitoMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'ada' }] });
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: result });
    const answer = await call(photosLogin, { body: { username: 'ada@example.com', password: 'Lovelace1815' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ jwt: result.IdToken, credentials: 'ada@example.com' });
  });

  it('answers errors as {message}', async () => {
    cognitoMock.on(InitiateAuthCommand).rejects(cognitoFailure('NotAuthorizedException'));
    expect(await call(photosLogin, { body: { username: 'ada', password: 'nope' } })).toEqual({ status: 401, headers: expect.anything(), body: { message: 'Incorrect username or password' } });
    expect((await call(photosLogin, { body: {} })).body).toEqual({ message: expect.stringContaining('username: is required (body)') });
  });
});

describe('POST /auth/refresh_token', () => {
  it('returns fresh tokens with the same refresh token', async () => {
    const result = { ...authResult(), RefreshToken: undefined };
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: result });
    const answer = await call(refresh, { body: { username: 'ada', refresh_token: 'refresh-ada' } });
    expect(answer).toMatchObject({ status: 200, body: { data: { id_token: result.IdToken, token: result.AccessToken, refresh_token: 'refresh-ada', user_sub: 'sub-ada', ...IDENTITY } } });
    expect(cognitoMock.commandCalls(InitiateAuthCommand)[0]!.args[0].input).toMatchObject({ AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: 'refresh-ada' } });
  });

  it('accepts the account e-mail as the username', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: authResult() });
    expect((await call(refresh, { body: { username: 'ADA@example.com', refresh_token: 'refresh-ada' } })).status).toBe(200);
  });

  it('refuses a refresh token of another user with 401', async () => {
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: authResult() });
    expect(await call(refresh, { body: { username: 'bob', refresh_token: 'refresh-ada' } }))
      .toMatchObject({ status: 401, body: { message: 'Refresh token does not belong to that user', data: {}, error: true } });
  });

  it('refuses an invalid or revoked refresh token with 401', async () => {
    cognitoMock.on(InitiateAuthCommand).rejects(cognitoFailure('NotAuthorizedException', 'Refresh Token has been revoked'));
    expect(await call(refresh, { body: { username: 'ada', refresh_token: 'stale' } }))
      .toMatchObject({ status: 401, body: { message: 'Refresh token is invalid, expired or revoked: log in again' } });
  });

  it('refuses a refresh token of a session logged out, even when Cognito still honours it', async () => {
    const loggedIn = now() - 60;
    table.set('USER#sub-ada|REVOKED', { revoked_before: now() - 10, expires_at: now() + 3600 });
    cognitoMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: authResult({ auth_time: loggedIn }) });
    expect(await call(refresh, { body: { username: 'ada', refresh_token: 'refresh-ada' } }))
      .toMatchObject({ status: 401, body: { message: 'Session has been logged out: log in again' } });
  });

  it('refuses a missing refresh token with 400', async () => {
    expect((await call(refresh, { body: { username: 'ada' } })).body.message).toBe('refresh_token: is required (body)');
  });
});

describe('POST /auth/logout', () => {
  it('signs out of Cognito, revokes the refresh token, and every endpoint then refuses the earlier tokens', async () => {
    cognitoMock.on(GlobalSignOutCommand).resolves({});
    cognitoMock.on(RevokeTokenCommand).resolves({});
    const accessToken = issuer.accessToken('sub-ada', { username: 'ada', iat: now() - 5, auth_time: now() - 5 });
    const idToken = issuer.idToken('sub-ada', { ...adaClaims, iat: now() - 5, auth_time: now() - 5 });
    expect((await call(template, { method: 'GET', token: idToken })).status).toBe(200);

    const answer = await call(logout, { token: accessToken, body: { refresh_token: 'refresh-ada' } });
    expect(answer).toMatchObject({ status: 200, body: { message: 'Logged out', data: { username: 'ada', logged_out_at: expect.any(String) } } });
    expect(cognitoMock.commandCalls(GlobalSignOutCommand)[0]!.args[0].input).toEqual({ AccessToken: accessToken });
    expect(cognitoMock.commandCalls(RevokeTokenCommand)[0]!.args[0].input).toEqual({ ClientId: 'testclientid', Token: 'refresh-ada' });
    expect(table.get('USER#sub-ada|REVOKED')).toMatchObject({ revoked_before: expect.any(Number), expires_at: expect.any(Number) });

    for (const token of [idToken, accessToken]) {
      const refused = await call(template, { method: 'GET', token });
      expect(refused).toMatchObject({ status: 401, body: { message: 'Token has been revoked: log in again', error: true } });
    }
    expect((await call(logout, { token: idToken })).status).toBe(401);
  });

  it('lets a login within the same second as the logout work, while every session begun before it stays refused', async () => {
    const second = now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(second * 1000 + 500);
    // The auth table's revocation record, with the store's conditional writes applied (limits still pass).
    dynamoMock.on(PutCommand).callsFake(async ({ Item, ConditionExpression, ExpressionAttributeValues }) => {
      const current = table.get(`${String(Item.pk)}|${String(Item.sk)}`);
      if (ConditionExpression && current && !(Number(current.revoked_before) < ExpressionAttributeValues[':at'])) {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      }
      table.set(`${String(Item.pk)}|${String(Item.sk)}`, Item);
      return {};
    });
    dynamoMock.on(UpdateCommand).callsFake(async ({ Key, UpdateExpression, ConditionExpression, ExpressionAttributeValues }) => {
      if (Key.sk !== 'REVOKED') return { Attributes: { count: 1 } };
      const current = table.get(`${String(Key.pk)}|REVOKED`);
      if (!current || (ConditionExpression && current.revoked_before !== ExpressionAttributeValues[':authTime'])) {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      }
      current.admitted = UpdateExpression.includes('list_append') ? [...(current.admitted as string[]), ...ExpressionAttributeValues[':session']] : [];
      return {};
    });
    try {
      cognitoMock.on(GlobalSignOutCommand).resolves({});
      const session = (jti: string, extra: Record<string, unknown> = {}) => ({
        IdToken: issuer.idToken('sub-ada', { ...adaClaims, iat: second, auth_time: second, origin_jti: jti, event_id: `event-${jti}`, ...extra }),
        AccessToken: issuer.accessToken('sub-ada', { username: 'ada', iat: second, auth_time: second, origin_jti: jti, event_id: `event-${jti}`, ...extra }),
        ExpiresIn: 3600,
      });
      const old = session('jti-old');
      const otherDevice = session('jti-other');
      expect((await call(logout, { token: old.AccessToken })).status).toBe(200);
      expect(table.get('USER#sub-ada|REVOKED')).toMatchObject({ revoked_before: second, admitted: [] });

      // The user logs in again, in the same second: the login admits its session.
      cognitoMock.on(InitiateAuthCommand, { AuthFlow: 'USER_PASSWORD_AUTH' }).resolves({ AuthenticationResult: { ...session('jti-new'), RefreshToken: 'refresh-new' } });
      const again = (await call(login, { body: { username: 'ada', password: 'Lovelace1815' } })).body.data;
      expect(table.get('USER#sub-ada|REVOKED')).toMatchObject({ admitted: ['jti-new'] });
      for (const token of [again.id_token, again.token]) expect((await call(template, { method: 'GET', token })).status).toBe(200);

      const refreshedOld = session('jti-old', { iat: second + 1 });
      const noSession = issuer.idToken('sub-ada', { ...adaClaims, iat: second, auth_time: second });
      for (const token of [old.IdToken, old.AccessToken, refreshedOld.IdToken, refreshedOld.AccessToken, otherDevice.IdToken, noSession]) {
        expect(await call(template, { method: 'GET', token })).toMatchObject({ status: 401, body: { message: 'Token has been revoked: log in again' } });
      }

      cognitoMock.on(InitiateAuthCommand, { AuthParameters: { REFRESH_TOKEN: 'refresh-old' } }).resolves({ AuthenticationResult: refreshedOld });
      cognitoMock.on(InitiateAuthCommand, { AuthParameters: { REFRESH_TOKEN: 'refresh-new' } }).resolves({ AuthenticationResult: session('jti-new', { iat: second + 1 }) });
      expect(await call(refresh, { body: { username: 'ada', refresh_token: 'refresh-old' } })).toMatchObject({ status: 401, body: { message: 'Session has been logged out: log in again' } });
      expect((await call(refresh, { body: { username: 'ada', refresh_token: 'refresh-new' } })).status).toBe(200);

      // Logging out again within that second ends the admitted session too.
      expect((await call(logout, { token: again.token })).status).toBe(200);
      expect((await call(template, { method: 'GET', token: again.id_token })).status).toBe(401);
    } finally {
      clock.mockRestore();
    }
  });

  it('signs out with AdminUserGlobalSignOut when the caller presents an ID token', async () => {
    cognitoMock.on(AdminUserGlobalSignOutCommand).resolves({});
    await call(logout, { token: issuer.idToken('sub-ada', adaClaims) });
    expect(cognitoMock.commandCalls(AdminUserGlobalSignOutCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'us-east-1_TestPool1', Username: 'ada' });
  });

  it('refuses a request without a token with 401, and a refresh token that is not a string with 400', async () => {
    expect((await call(logout, {})).status).toBe(401);
    expect((await call(logout, { token: issuer.idToken('sub-ada', adaClaims), body: { refresh_token: { token: 'x' } } })).status).toBe(400);
  });
});
