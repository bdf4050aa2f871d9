/**
 * What the datasets unit tests share: the mocked SDK clients, a token issuer, a way to call a handler
 * the way API Gateway does, and seed-shaped records.
 */
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { httpEvent, lambdaContext } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';

export const TABLE = 'darkroom-datasets';
export const BUCKET = 'darkroom-datasets';
export const SUB = 'sub-ada';
export const PROJECT_ID = `birds_${'a'.repeat(32)}`;
/** Ada's identity-pool id (what the identity mock's GetId answers): new projects' objects live under it. */
export const IDENTITY_ID = 'us-east-1:0a1b2c3d-0000-4000-8000-00000000ada0';

export const dynamo = mockClient(DynamoDBDocumentClient);
export const s3 = mockClient(S3Client);
export const sqs = mockClient(SQSClient);
export const identity = mockClient(CognitoIdentityClient);

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let issuer: TestIssuer | undefined;

/** Starts the token issuer (once per test file) and points the JWT layer at it. */
export async function setUp(): Promise<TestIssuer> {
  issuer = await startTestIssuer();
  process.env.JWT_ISSUER = issuer.issuer;
  process.env.JWKS_URI = issuer.jwksUri;
  return issuer;
}
export const tearDown = () => issuer?.close();

/** Resets the mocks; the auth table answers "no revocation". */
export function resetMocks(): void {
  dynamo.reset(); s3.reset(); sqs.reset(); identity.reset();
  identity.on(GetIdCommand).resolves({ IdentityId: IDENTITY_ID });
  // The latest matching definition wins: the specific ones a test adds override these.
  dynamo.on(GetCommand).resolves({});
  dynamo.on(GetCommand, { TableName: 'darkroom-auth' }).resolves({});
}

/** Loads a datasets handler by folder name. */
export const handlerOf = async (folder: string): Promise<Handler> =>
  (await import(`../../../functions/datasets/${folder}/handler`)).handler as Handler;

/** Calls a handler with seed 003's body (tokens in the body), as ada unless `token` says otherwise. */
export async function call(handler: Handler, body: Record<string, unknown>, options: { idToken?: string; accessToken?: string | null } = {}) {
  const tokens = { id_token: options.idToken ?? issuer!.idToken(SUB), ...(options.accessToken === null ? {} : { access_token: options.accessToken ?? issuer!.accessToken(SUB) }) };
  const response = await handler(httpEvent({ body: { ...tokens, ...body } }), lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body) as { data: any; error: boolean; success: boolean; message: string | null } };
}

/** A project item as the table holds it. */
export const projectItem = (fields: Record<string, unknown> = {}) => ({
  pk: `USER#${SUB}`, sk: `PROJECT#${PROJECT_ID}`, identity_id: SUB, project_id: PROJECT_ID, project_name: 'birds', description: '',
  s3_prefix: `${BUCKET}/${SUB}/${PROJECT_ID}`, is_sample: false, times_generated: 0, data_version: 3,
  created_at: '2026-12-01T10:00:00.000Z', updated_at: '2026-12-01T10:00:00.000Z', ...fields,
});

/** A data item as the table holds it. */
export const dataItem = (filename: string, fields: Record<string, unknown> = {}) => ({
  pk: `DATA#${PROJECT_ID}#ORIGINAL`, sk: filename, project_id: PROJECT_ID, type_method: 'ORIGINAL', filename,
  key: `${SUB}/${PROJECT_ID}/${filename}`, size: 100, hash: 'h', is_ori: true, gen_id: '', classtype: null, version: 1,
  updated_at: '2026-12-01T10:00:00.000Z', ...fields,
});

/** The error DynamoDB answers a cancelled transaction with, one code per action. */
export function cancelled(...codes: string[]) {
  const { TransactionCanceledException } = jest.requireActual('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  return new TransactionCanceledException({
    message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })),
  });
}
