/** Invitations: GET /auth/template-invite-mail and POST /send-mail/reference-email (SES and the daily limit mocked). */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TestIssuer } from '../../support/tokens';
import { call, dynamoMock, resetMocks, sesMock, useTestIssuer } from './support';

let issuer: TestIssuer;
let template: unknown; let send: unknown;
let token: string;
beforeAll(async () => {
  issuer = await useTestIssuer();
  ({ handler: template } = await import('../../../functions/auth/template_invite_mail/handler'));
  ({ handler: send } = await import('../../../functions/auth/reference_email/handler'));
});
afterAll(() => issuer.close());
beforeEach(() => {
  resetMocks();
  sesMock.on(SendEmailCommand).resolves({ MessageId: 'message-1' });
  token = issuer.idToken('sub-ada', { 'cognito:username': 'ada' });
});

describe('GET /auth/template-invite-mail', () => {
  it('returns the template with each placeholder documented', async () => {
    const answer = await call(template, { method: 'GET', token });
    expect(answer.status).toBe(200);
    const { template_mail, subject, placeholders } = answer.body.data;
    expect(Object.keys(placeholders)).toEqual(['username', 'destination_email']);
    const used = new Set([...`${subject}\n${template_mail}`.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(placeholders).sort());
  });

  it('refuses a request without a token with 401', async () => {
    expect((await call(template, { method: 'GET' })).status).toBe(401);
  });
});

describe('POST /send-mail/reference-email', () => {
  it('sends the filled invitation from the configured address and counts it', async () => {
    const answer = await call(send, { token, body: { username: 'ada', destination_email: 'grace@example.com' } });
    expect(answer).toMatchObject({ status: 200, body: { message: 'Invitation sent', data: { destination_email: 'grace@example.com', message_id: 'message-1', sent_today: 1, daily_limit: 10 } } });
    const mail = sesMock.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(mail.FromEmailAddress).toBe('mail_from@darkroom.test');
    expect(mail.Destination).toEqual({ ToAddresses: ['grace@example.com'] });
    expect(mail.Content?.Simple?.Subject?.Data).toBe('ada invites you to Darkroom');
    expect(mail.Content?.Simple?.Body?.Text?.Data).toContain('(grace@example.com)');
    expect(mail.Content?.Simple?.Body?.Text?.Data).not.toContain('{{');
    expect(dynamoMock.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'LIMIT#INVITE#sub-ada', sk: expect.stringMatching(/^WINDOW#\d+$/) },
      ExpressionAttributeValues: expect.objectContaining({ ':max': 10 }),
    });
  });

  it.each([
    ['no @', 'grace.example.com'],
    ['two addresses', 'grace@example.com, eve@example.com'],
    ['a header injection', 'grace@example.com\r\nBcc: eve@example.com'],
    ['a display name', 'Grace <grace@example.com>'],
    ['a domain without a dot', 'grace@localhost'],
  ])('refuses an invalid address (%s) with 400 and sends nothing', async (_, address) => {
    const answer = await call(send, { token, body: { username: 'ada', destination_email: address } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('destination_email');
    expect(sesMock.calls()).toHaveLength(0);
  });

  it('refuses to send as someone else with 403', async () => {
    const answer = await call(send, { token, body: { username: 'bob', destination_email: 'grace@example.com' } });
    expect(answer).toMatchObject({ status: 403, body: { message: 'You can only send invitations as yourself', error: true } });
    expect(sesMock.calls()).toHaveLength(0);
  });

  it('refuses the 11th invitation of the day with 429 and Retry-After until UTC midnight', async () => {
    dynamoMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const answer = await call(send, { token, body: { username: 'ada', destination_email: 'grace@example.com' } });
    expect(answer).toMatchObject({ status: 429, body: { message: 'Daily invitation limit reached (10 per day): try again tomorrow' } });
    const midnight = new Date(); midnight.setUTCHours(24, 0, 0, 0);
    expect(Number(answer.headers['Retry-After'])).toBeCloseTo((midnight.getTime() - Date.now()) / 1000, -1);
    expect(sesMock.calls()).toHaveLength(0);
  });

  it('gives the invitation back when SES fails', async () => {
    sesMock.on(SendEmailCommand).rejects(new Error('SES down'));
    expect((await call(send, { token, body: { username: 'ada', destination_email: 'grace@example.com' } })).status).toBe(500);
    expect(dynamoMock.commandCalls(UpdateCommand).map((c) => c.args[0].input.UpdateExpression)).toEqual([expect.stringContaining('+ :one'), expect.stringContaining('- :one')]);
  });

  it('refuses missing fields with 400', async () => {
    expect((await call(send, { token, body: { username: 'ada' } })).body.message).toBe('destination_email: is required (body)');
  });
});
