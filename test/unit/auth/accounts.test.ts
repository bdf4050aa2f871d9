/** Account endpoints (seed 003): sign-up, confirmation, resend, forgot password and reset, Cognito mocked. */
import {
  ConfirmForgotPasswordCommand, ConfirmSignUpCommand, ForgotPasswordCommand, ListUsersCommand, ResendConfirmationCodeCommand, SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INVALID_CONFIRMATION } from '../../../functions/auth/lib/accounts';
import { call, cognitoFailure, cognitoMock, dynamoMock, resetMocks } from './support';

let signup: unknown; let confirm: unknown; let resend: unknown; let forgot: unknown; let reset: unknown;
beforeAll(async () => {
  ({ handler: signup } = await import('../../../functions/auth/user_signup/handler'));
  ({ handler: confirm } = await import('../../../functions/auth/auth_confirm/handler'));
  ({ handler: resend } = await import('../../../functions/auth/resend_confirmcode/handler'));
  ({ handler: forgot } = await import('../../../functions/auth/forgot_password/handler'));
  ({ handler: reset } = await import('../../../functions/auth/confirm_code_forgot_password/handler'));
});
beforeEach(() => {
  resetMocks();
  cognitoMock.on(ListUsersCommand).resolves({ Users: [] });
});

const overLimit = () => dynamoMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

describe('POST /auth/user_signup', () => {
  const body = { email: 'ada@example.com', username: 'ada', password: 'Lovelace1815' };

  it('creates the account and says a code was e-mailed', async () => {
    cognitoMock.on(SignUpCommand).resolves({ UserSub: 'sub-ada', UserConfirmed: false, CodeDeliveryDetails: { DeliveryMedium: 'EMAIL' } });
    const answer = await call(signup, { body });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ message: expect.stringMatching(/confirm/), data: { username: 'ada', user_sub: 'sub-ada', confirmed: false, delivery: 'email' }, error: false });
  });

  it.each([
    ['a missing password', { email: 'a@example.com', username: 'ada' }, 'password: is required (body)'],
    ['an object for a username', { email: 'a@example.com', username: { $ne: '' }, password: 'x' }, 'username: must be string (body)'],
    ['an empty username', { email: 'a@example.com', username: '', password: 'x' }, 'username: must be at least 1 character (body)'],
    ['an invalid e-mail', { email: 'not-an-address', username: 'ada', password: 'Lovelace1815' }, 'email: must be an e-mail address (body)'],
    ['an unknown field', { ...body, admin: true }, 'admin: is not an accepted field (body)'],
  ])('refuses %s with 400 naming the field, calling nobody', async (_, input, message) => {
    const answer = await call(signup, { body: input });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ message: expect.stringContaining(message), data: {}, error: true });
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('refuses a weak password with 400 stating the policy', async () => {
    cognitoMock.on(SignUpCommand).rejects(cognitoFailure('InvalidPasswordException', 'Password did not conform with policy'));
    const answer = await call(signup, { body: { ...body, password: 'weak' } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('Password does not meet the policy: at least 8 characters, with an upper-case letter, a lower-case letter and a number');
  });

  it('stores the e-mail address lower-cased, and finds a taken one whatever its case', async () => {
    cognitoMock.on(SignUpCommand).resolves({ UserSub: 'sub-ada', UserConfirmed: false });
    await call(signup, { body: { ...body, email: 'Ada@EXAMPLE.com' } });
    expect(cognitoMock.commandCalls(SignUpCommand)[0]!.args[0].input.UserAttributes).toEqual([{ Name: 'email', Value: 'ada@example.com' }]);
    cognitoMock.reset();
    // ada@example.com exists; a sign-up as a@EXAMPLE.com-style variant of it must find it.
    cognitoMock.on(ListUsersCommand).resolves({ Users: [] });
    cognitoMock.on(ListUsersCommand, { Filter: 'email = "ada@example.com"' }).resolves({ Users: [{ Username: 'ada' }] });
    expect(await call(signup, { body: { ...body, username: 'ada2', email: 'ADA@Example.COM' } }))
      .toMatchObject({ status: 409, body: { message: 'That e-mail address already belongs to an account' } });
    expect(cognitoMock.commandCalls(SignUpCommand)).toHaveLength(0);
  });

  it('does not echo Cognito\'s own text for a parameter it refuses', async () => {
    cognitoMock.on(SignUpCommand).rejects(cognitoFailure('InvalidParameterException', "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}]+"));
    const answer = await call(signup, { body });
    expect(answer).toMatchObject({ status: 400, body: { message: 'The request was refused as invalid: check the username, e-mail address and password', error: true } });
    expect(JSON.stringify(answer.body)).not.toMatch(/constraint|pattern|validation error/);
  });

  it('refuses a taken username and a taken e-mail address with 409', async () => {
    cognitoMock.on(SignUpCommand).rejects(cognitoFailure('UsernameExistsException'));
    expect(await call(signup, { body })).toMatchObject({ status: 409, body: { message: 'That username is already taken', error: true } });
    cognitoMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'someone' }] });
    expect(await call(signup, { body })).toMatchObject({ status: 409, body: { message: 'That e-mail address already belongs to an account' } });
    expect(cognitoMock.commandCalls(SignUpCommand)).toHaveLength(1);
  });
});

describe('POST /auth/auth_confirm', () => {
  const body = { username: 'ada', confirm_code: '123456' };

  it('confirms the account', async () => {
    cognitoMock.on(ConfirmSignUpCommand).resolves({});
    expect(await call(confirm, { body })).toMatchObject({ status: 200, body: { data: { username: 'ada', confirmed: true }, error: false } });
  });

  it.each([
    ['a wrong code', 'CodeMismatchException'],
    ['an expired or used code', 'ExpiredCodeException'],
    ['an unknown user', 'UserNotFoundException'],
    ['a code for an account already confirmed', 'NotAuthorizedException'],
  ])('refuses %s with the one 400 that tells nothing about the account', async (_, error) => {
    cognitoMock.on(ConfirmSignUpCommand).rejects(cognitoFailure(error));
    const answer = await call(confirm, { body });
    expect(answer).toMatchObject({ status: 400, body: { message: INVALID_CONFIRMATION, data: {}, error: true } });
    expect(answer.body.message).not.toMatch(/^Account is already confirmed/);
  });

  it('refuses a code with spaces or symbols with 400 before Cognito', async () => {
    expect((await call(confirm, { body: { username: 'ada', confirm_code: '12 34' } })).status).toBe(400);
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('keeps a wrong code counted and gives a right one back', async () => {
    cognitoMock.on(ConfirmSignUpCommand).rejectsOnce(cognitoFailure('CodeMismatchException')).resolves({});
    await call(confirm, { body });
    expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(1);
    await call(confirm, { body });
    const updates = dynamoMock.commandCalls(UpdateCommand).map((c) => c.args[0].input.UpdateExpression);
    expect(updates).toEqual([expect.stringContaining('+ :one'), expect.stringContaining('+ :one'), expect.stringContaining('- :one')]);
    expect(dynamoMock.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'LIMIT#CONFIRM#ada', sk: expect.stringMatching(/^WINDOW#\d+$/) },
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
      ExpressionAttributeValues: expect.objectContaining({ ':max': 5 }),
    });
  });

  it('answers 429 with Retry-After once 5 wrong codes were tried in the window, without asking Cognito', async () => {
    overLimit();
    const answer = await call(confirm, { body });
    expect(answer.status).toBe(429);
    expect(answer.body).toEqual({ message: 'Too many wrong confirmation codes for this user: try again later', data: {}, error: true });
    expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
    expect(Number(answer.headers['Retry-After'])).toBeLessThanOrEqual(900);
    expect(cognitoMock.commandCalls(ConfirmSignUpCommand)).toHaveLength(0);
  });
});

describe('POST /auth/resend_confirmcode', () => {
  it('sends a new code', async () => {
    cognitoMock.on(ResendConfirmationCodeCommand).resolves({ CodeDeliveryDetails: { DeliveryMedium: 'EMAIL' } });
    expect(await call(resend, { body: { username: 'ada' } })).toMatchObject({ status: 200, body: { data: { username: 'ada', delivery: 'email' } } });
  });

  it('answers an unknown user and a confirmed one exactly like one that gets a code (no user enumeration)', async () => {
    cognitoMock.on(ResendConfirmationCodeCommand, { Username: 'ada' }).resolves({ CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', Destination: 'a***@e***' } });
    cognitoMock.on(ResendConfirmationCodeCommand, { Username: 'nobody' }).rejects(cognitoFailure('UserNotFoundException', 'Username/client id combination not found.'));
    cognitoMock.on(ResendConfirmationCodeCommand, { Username: 'grace' }).rejects(cognitoFailure('InvalidParameterException', 'User is already confirmed.'));
    const known = await call(resend, { body: { username: 'ada' } });
    expect(known.status).toBe(200);
    for (const username of ['nobody', 'grace']) {
      const other = await call(resend, { body: { username } });
      expect(other.status).toBe(200);
      expect({ ...other.body, data: { ...other.body.data, username: 'ada' } }).toEqual(known.body);
    }
    expect(JSON.stringify(known.body)).not.toContain('***');
  });

  it('refuses a missing username with 400 and more than 5 requests an hour with 429', async () => {
    expect((await call(resend, { body: {} })).body.message).toBe('username: is required (body)');
    overLimit();
    expect((await call(resend, { body: { username: 'ada' } })).status).toBe(429);
    expect(cognitoMock.commandCalls(ResendConfirmationCodeCommand)).toHaveLength(0);
  });
});

describe('POST /auth/forgot_password', () => {
  it('answers an unknown user exactly like a known one (no user enumeration)', async () => {
    cognitoMock.on(ForgotPasswordCommand, { Username: 'ada' }).resolves({ CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', Destination: 'a***@e***' } });
    cognitoMock.on(ForgotPasswordCommand, { Username: 'nobody' }).rejects(cognitoFailure('UserNotFoundException'));
    cognitoMock.on(ForgotPasswordCommand, { Username: 'unverified' }).rejects(cognitoFailure('InvalidParameterException', 'no registered/verified email'));
    const known = await call(forgot, { body: { username: 'ada' } });
    const unknown = await call(forgot, { body: { username: 'nobody' } });
    const unverified = await call(forgot, { body: { username: 'unverified' } });
    expect(known.status).toBe(200);
    expect(known.body.data.username).toBe('ada');
    for (const other of [unknown, unverified]) {
      expect(other.status).toBe(known.status);
      expect({ ...other.body, data: { ...other.body.data, username: 'ada' } }).toEqual(known.body);
    }
    expect(JSON.stringify(known.body)).not.toContain('***');
  });

  it('resolves an e-mail address to its account', async () => {
    cognitoMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'ada' }] });
    cognitoMock.on(ForgotPasswordCommand).resolves({});
    await call(forgot, { body: { username: 'ada@example.com' } });
    expect(cognitoMock.commandCalls(ForgotPasswordCommand)[0]!.args[0].input.Username).toBe('ada');
  });

  it('counts code e-mails per username in the same hourly allowance as resend_confirmcode, e-mail form included', async () => {
    cognitoMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'ada' }] });
    cognitoMock.on(ForgotPasswordCommand).resolves({});
    await call(forgot, { body: { username: 'Ada@example.com' } });
    await call(resend, { body: { username: 'ada' } });
    const keys = dynamoMock.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key?.pk);
    expect(keys).toEqual(['LIMIT#CODEMAIL#ada', 'LIMIT#CODEMAIL#ada']);
    expect(dynamoMock.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':max': 5 });
  });

  it('throttles requests per username with 429, known or not', async () => {
    overLimit();
    const answer = await call(forgot, { body: { username: 'nobody' } });
    expect(answer.status).toBe(429);
    expect(answer.headers['Retry-After']).toBeDefined();
    expect(cognitoMock.commandCalls(ForgotPasswordCommand)).toHaveLength(0);
  });
});

describe('POST /auth/confirm_code_forgot_password', () => {
  const body = { username: 'ada', password: 'NewPass1234', confirm_code: '654321' };

  it('sets the new password', async () => {
    cognitoMock.on(ConfirmForgotPasswordCommand).resolves({});
    expect(await call(reset, { body })).toMatchObject({ status: 200, body: { data: { username: 'ada', password_reset: true }, error: false } });
  });

  it.each([
    ['a wrong code', 'CodeMismatchException', 'Invalid reset code'],
    ['an unknown user (read as a wrong code)', 'UserNotFoundException', 'Invalid reset code'],
    ['an expired or used code', 'ExpiredCodeException', 'Reset code has expired or was already used: request a new one (POST /auth/forgot_password)'],
    ['a weak new password', 'InvalidPasswordException', 'Password does not meet the policy: at least 8 characters, with an upper-case letter, a lower-case letter and a number'],
  ])('refuses %s with 400', async (_, error, message) => {
    cognitoMock.on(ConfirmForgotPasswordCommand).rejects(cognitoFailure(error));
    expect(await call(reset, { body })).toMatchObject({ status: 400, body: { message, error: true } });
  });

  it('refuses missing fields with 400 and a sixth wrong code with 429', async () => {
    expect((await call(reset, { body: { username: 'ada' } })).body.message).toMatch(/password: is required.*confirm_code: is required|confirm_code: is required.*password: is required/);
    overLimit();
    expect((await call(reset, { body })).status).toBe(429);
    expect(cognitoMock.commandCalls(ConfirmForgotPasswordCommand)).toHaveLength(0);
  });
});
