/**
 * The local stack's emulators, exercised with the real AWS SDK clients: each AWS behaviour the
 * handlers rely on, then a restart that must keep the data.
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfirmSignUpCommand, ForgotPasswordCommand, GlobalSignOutCommand, InitiateAuthCommand, ResendConfirmationCodeCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeInstancesCommand, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startStack, type LocalStack } from '../../scripts/local/stack';
import { clientsFor } from '../support/stack';

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

async function verifiesWithJwks(jwt: string, jwksUri: string): Promise<boolean> {
  const { keys } = (await (await fetch(jwksUri)).json()) as { keys: Array<JsonWebKey & { kid: string }> };
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string };
  const key = keys.find((k) => k.kid === kid);
  return !!key && verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), createPublicKey({ key, format: 'jwk' }), Buffer.from(signature, 'base64url'));
}

async function receiveOne(sqs: SQSClient, QueueUrl: string, VisibilityTimeout?: number) {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1, VisibilityTimeout }));
  return Messages?.[0];
}

const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-stack-'));
const user = { Username: `ada${Date.now()}`, email: 'ada@example.com', Password: 'Lovelace1815' };
let stack: LocalStack;
let c: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  stack = await startStack({ dataDir });
  c = clientsFor(stack);
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('DynamoDB: a transaction writes two items of the auth table together', async () => {
  const TableName = stack.resources['table:auth'];
  await c.dynamo.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName, Item: { pk: 'USER#ada', sk: 'PROFILE', name: 'Ada' }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName, Item: { pk: 'EMAIL#ada@example.com', sk: 'EMAIL', user: 'ada' } } },
    ],
  }));
  expect((await c.dynamo.send(new GetCommand({ TableName, Key: { pk: 'USER#ada', sk: 'PROFILE' } }))).Item).toMatchObject({ name: 'Ada' });
});

test('S3: a put in originals lands on the thumbnails queue as an AWS event notification', async () => {
  const Bucket = stack.resources['bucket:originals'];
  await c.s3.send(new PutObjectCommand({ Bucket, Key: 'sub-1/images/my photo (1).jpg', Body: 'jpeg bytes' }));
  const message = await receiveOne(c.sqs, stack.resources['queue:thumbnails'] as string);
  const record = JSON.parse(message?.Body ?? '{}').Records[0];
  expect(record).toMatchObject({
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    eventName: 'ObjectCreated:Put',
    s3: { bucket: { name: Bucket, arn: `arn:aws:s3:::${Bucket}` }, object: { key: 'sub-1/images/my+photo+%281%29.jpg', size: 10, eTag: expect.stringMatching(/^[0-9a-f]{32}$/) } },
  });
  // Paged listing needs DES continuation tokens (OpenSSL legacy provider in the s3rver child).
  await c.s3.send(new PutObjectCommand({ Bucket, Key: 'sub-1/images/second.jpg', Body: 'x' }));
  const page = await c.s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1 }));
  const next = await c.s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1, ContinuationToken: page.NextContinuationToken }));
  expect([page.Contents?.[0]?.Key, next.Contents?.[0]?.Key]).toHaveLength(2);
});

test('SQS: a message received maxReceiveCount times moves to the DLQ', async () => {
  const QueueUrl = stack.resources['queue:unzip'] as string; // maxReceiveCount 2
  await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));
  expect((await receiveOne(c.sqs, QueueUrl, 0))?.Body).toBe('poison');
  expect((await receiveOne(c.sqs, QueueUrl, 0))?.Body).toBe('poison');
  const { Messages } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  expect(Messages ?? []).toHaveLength(0);
  expect((await receiveOne(c.sqs, stack.resources['queue:unzip:dlq'] as string))?.Body).toBe('poison');
});

test('Cognito: sign-up, codes in the outbox, resend, confirm, tokens, global sign-out', async () => {
  const ClientId = stack.userPool.clientId;
  const UserAttributes = [{ Name: 'email', Value: user.email }];
  await expect(c.idp.send(new SignUpCommand({ ClientId, Username: 'weak', Password: 'short', UserAttributes }))).rejects.toMatchObject({ name: 'InvalidPasswordException' });
  await c.idp.send(new SignUpCommand({ ClientId, Username: user.Username, Password: user.Password, UserAttributes }));
  const [signUpMail] = await stack.outbox();
  expect(signUpMail).toMatchObject({ to: user.email, code: expect.stringMatching(/^\d{6}$/), source: 'cognito:SignUp' });

  await c.idp.send(new ResendConfirmationCodeCommand({ ClientId, Username: user.Username }));
  const [resent] = await stack.outbox();
  expect(resent).toMatchObject({ to: user.email, source: 'cognito:ResendCode' });
  await c.idp.send(new ConfirmSignUpCommand({ ClientId, Username: user.Username, ConfirmationCode: resent?.code }));

  const { AuthenticationResult: tokens } = await c.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: user.Username, PASSWORD: user.Password } }));
  const id = claimsOf(tokens?.IdToken ?? '');
  const access = claimsOf(tokens?.AccessToken ?? '');
  expect(id).toMatchObject({ iss: stack.userPool.issuer, aud: ClientId, token_use: 'id', email: user.email, 'cognito:username': user.Username });
  expect(access).toMatchObject({ iss: stack.userPool.issuer, client_id: ClientId, token_use: 'access', username: user.Username, sub: id.sub });
  expect(await verifiesWithJwks(tokens?.IdToken ?? '', stack.userPool.jwksUri)).toBe(true);

  await c.idp.send(new GlobalSignOutCommand({ AccessToken: tokens?.AccessToken }));
  await expect(c.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens?.RefreshToken ?? '' } }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });

  await c.idp.send(new ForgotPasswordCommand({ ClientId, Username: user.Username }));
  expect((await stack.outbox())[0]).toMatchObject({ to: user.email, subject: 'Your password reset code', source: 'cognito:ForgotPassword' });
});

test('SES: SendEmail through SESv2 lands in the outbox', async () => {
  await c.ses.send(new SendEmailCommand({
    FromEmailAddress: stack.resources['var:mail_from'],
    Destination: { ToAddresses: ['grace@example.com'] },
    Content: { Simple: { Subject: { Data: 'You are invited' }, Body: { Text: { Data: 'Come to Darkroom' } } } },
  }));
  expect((await stack.outbox())[0]).toMatchObject({ to: 'grace@example.com', subject: 'You are invited', text: 'Come to Darkroom' });
});

test('EC2: describe the tagged workers, start and stop them', async () => {
  const describe = async () => (await c.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:darkroom:role', Values: ['worker'] }] })))
    .Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
  const workers = await describe();
  expect(workers.map((i) => i.State?.Name)).toEqual(['running', 'stopped']);
  const [running, stopped] = workers.map((i) => i.InstanceId as string) as [string, string];
  const started = await c.ec2.send(new StartInstancesCommand({ InstanceIds: [stopped] }));
  expect(started.StartingInstances?.[0]).toMatchObject({ InstanceId: stopped, CurrentState: { Name: 'pending' }, PreviousState: { Name: 'stopped' } });
  await c.ec2.send(new StopInstancesCommand({ InstanceIds: [running] }));
  expect((await describe()).map((i) => i.State?.Name)).toEqual(['stopped', 'running']);
  await expect(c.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-nope'] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
});

test('restart: stop leaves no child processes and a new start reads everything back', async () => {
  const before = { pool: stack.userPool, outbox: (await stack.outbox()).length };
  const unzipQueue = stack.resources['queue:unzip']!;
  await c.sqs.send(new SendMessageCommand({ QueueUrl: unzipQueue, MessageBody: '{"job_id":"queued-before-restart"}' }));
  await stack.stop();
  await stack.stop(); // idempotent
  expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain(dataDir);

  stack = await startStack({ dataDir });
  c = clientsFor(stack);
  expect([stack.userPool.id, stack.userPool.clientId]).toEqual([before.pool.id, before.pool.clientId]);
  expect((await c.dynamo.send(new GetCommand({ TableName: stack.resources['table:auth'], Key: { pk: 'USER#ada', sk: 'PROFILE' } }))).Item).toMatchObject({ name: 'Ada' });
  const object = await c.s3.send(new GetObjectCommand({ Bucket: stack.resources['bucket:originals'], Key: 'sub-1/images/my photo (1).jpg' }));
  expect(await object.Body?.transformToString()).toBe('jpeg bytes');
  expect(await stack.outbox()).toHaveLength(before.outbox);
  const login = await c.idp.send(new InitiateAuthCommand({ ClientId: stack.userPool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: user.Username, PASSWORD: user.Password } }));
  expect(claimsOf(login.AuthenticationResult?.IdToken ?? '').iss).toBe(stack.userPool.issuer);
  const workers = (await c.ec2.send(new DescribeInstancesCommand({}))).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
  expect(workers.map((i) => i.State?.Name)).toEqual(['stopped', 'running']);
  // A message still queued at stop is queued again after the restart (fauxqs itself forgets it).
  const { Messages = [] } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.resources['queue:unzip']!, WaitTimeSeconds: 2 }));
  expect(Messages.map((m) => m.Body)).toEqual(['{"job_id":"queued-before-restart"}']);
});
