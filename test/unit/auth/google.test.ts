/**
 * POST /auth/login_google against a real HTTP server standing in for the hosted UI's /oauth2/token, and the
 * pre-sign-up trigger that links a Google user to the password account with the same e-mail.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminLinkProviderForUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { lambdaContext } from '../../support/events';
import { strangerKey, type TestIssuer } from '../../support/tokens';
import { call, cognitoMock, IDENTITY, resetMocks, useTestIssuer } from './support';

/** What the stand-in answers next, and what it received. */
let reply: (form: URLSearchParams) => { status: number; body: unknown };
const received: Array<{ path: string; contentType?: string; form: URLSearchParams }> = [];
let server: Server;
let issuer: TestIssuer;
let loginGoogle: unknown;
let preSignUp: (event: PreSignUpTriggerEvent, context: unknown) => Promise<PreSignUpTriggerEvent>;

const readForm = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

beforeAll(async () => {
  issuer = await useTestIssuer();
  server = createServer(async (request, response) => {
    const form = await readForm(request);
    received.push({ path: request.url ?? '', contentType: request.headers['content-type'], form });
    const { status, body } = reply(form);
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  process.env.OAUTH_TOKEN_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  ({ handler: loginGoogle } = await import('../../../functions/auth/login_google/handler'));
  ({ handler: preSignUp } = await import('../../../functions/auth/pre_signup/handler') as never);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await issuer.close();
});
beforeEach(() => { resetMocks(); received.length = 0; });

const googleClaims = { 'cognito:username': 'google_1234567890', email: 'grace@gmail.com', identities: [{ providerName: 'Google', userId: '1234567890' }] };
const body = { code: 'b3f1c7a2-0e39-4a59-9d0b-6f1f0e4c1a77', redirect_uri: 'http://localhost:3000/auth/callback' };

describe('POST /auth/login_google', () => {
  it('exchanges the code at /oauth2/token and returns the same data and header as a login', async () => {
    const tokens = { id_token: issuer.idToken('sub-grace', googleClaims), access_token: issuer.accessToken('sub-grace', { username: 'google_1234567890' }), refresh_token: 'refresh-grace', expires_in: 3600, token_type: 'Bearer' };
    reply = () => ({ status: 200, body: tokens });
    const answer = await call(loginGoogle, { body });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      message: 'Logged in with Google', error: false,
      data: { id_token: tokens.id_token, token: tokens.access_token, refresh_token: 'refresh-grace', expires_in: 3600, token_type: 'Bearer', user_sub: 'sub-grace', username: 'google_1234567890', email: 'grace@gmail.com', ...IDENTITY },
    });
    expect(answer.headers.Authorization).toBe(`Bearer ${tokens.id_token}`);
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/oauth2/token');
    expect(received[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(received[0]!.form)).toEqual({ grant_type: 'authorization_code', client_id: 'testclientid', code: body.code, redirect_uri: body.redirect_uri });
  });

  it.each([
    ['an invalid, expired or used code', { error: 'invalid_grant' }, 'Authorization code is invalid, expired or already used: sign in with Google again'],
    ['a redirect_uri the code was not issued for', { error: 'invalid_request' }, 'Authorization code refused (invalid_request): check code and redirect_uri'],
  ])('refuses %s with 400', async (_, error, message) => {
    reply = () => ({ status: 400, body: error });
    expect(await call(loginGoogle, { body })).toMatchObject({ status: 400, body: { message, data: {}, error: true } });
  });

  it.each([
    ['a missing code', { redirect_uri: body.redirect_uri }, 'code: is required (body)'],
    ['a redirect_uri that is not a URI', { ...body, redirect_uri: 'not a uri' }, 'redirect_uri: must be an absolute URI (body)'],
    ['a code with spaces', { ...body, code: 'a b' }, 'code: contains characters or a form that is not accepted (body)'],
  ])('refuses %s with 400 without calling the endpoint', async (_, input, message) => {
    const answer = await call(loginGoogle, { body: input });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(message);
    expect(received).toHaveLength(0);
  });

  it('answers 502 when the endpoint fails or returns tokens that do not verify', async () => {
    reply = () => ({ status: 500, body: { error: 'internal detail' } });
    expect(await call(loginGoogle, { body })).toMatchObject({ status: 502, body: { message: 'Google sign-in is unavailable: try again later', error: true } });
    const forged = issuer.sign({ sub: 'x', aud: 'testclientid', iss: issuer.issuer, token_use: 'id', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 }, { key: strangerKey() });
    reply = () => ({ status: 200, body: { id_token: forged, access_token: forged } });
    expect((await call(loginGoogle, { body })).status).toBe(502);
  });
});

describe('pre-sign-up trigger', () => {
  const event = (triggerSource: string, userName: string, email: string): PreSignUpTriggerEvent => ({
    version: '1', region: 'us-east-1', userPoolId: 'us-east-1_TestPool1', userName, triggerSource: triggerSource as never,
    callerContext: { awsSdkVersion: '3', clientId: 'testclientid' },
    request: { userAttributes: { email } },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });

  it('links a Google user to the password account with the same e-mail instead of duplicating it', async () => {
    cognitoMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'Google_999', UserStatus: 'EXTERNAL_PROVIDER' }, { Username: 'ada', UserStatus: 'CONFIRMED' }] });
    cognitoMock.on(AdminLinkProviderForUserCommand).resolves({});
    const result = await preSignUp(event('PreSignUp_ExternalProvider', 'Google_1234567890', 'ada@example.com'), lambdaContext());
    expect(result.response).toEqual({ autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
    expect(cognitoMock.commandCalls(ListUsersCommand)[0]!.args[0].input).toMatchObject({ UserPoolId: 'us-east-1_TestPool1', Filter: 'email = "ada@example.com"' });
    expect(cognitoMock.commandCalls(AdminLinkProviderForUserCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'us-east-1_TestPool1',
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'ada' },
      SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '1234567890' },
    });
  });

  it('lets a new Google user and a password sign-up through untouched', async () => {
    cognitoMock.on(ListUsersCommand).resolves({ Users: [] });
    await preSignUp(event('PreSignUp_ExternalProvider', 'Google_42', 'new@gmail.com'), lambdaContext());
    await preSignUp(event('PreSignUp_SignUp', 'bob', 'bob@example.com'), lambdaContext());
    expect(cognitoMock.commandCalls(AdminLinkProviderForUserCommand)).toHaveLength(0);
    expect(cognitoMock.commandCalls(ListUsersCommand)).toHaveLength(1);
  });
});
