/**
 * What the auth unit tests share: SDK mocks (Cognito, DynamoDB, SES), a test issuer whose tokens the JWT
 * layer accepts, and a caller that invokes a handler and parses its envelope.
 */
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { httpEvent, lambdaContext, type HttpEventOptions } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';

export const cognitoMock = mockClient(CognitoIdentityProviderClient);
export const dynamoMock = mockClient(DynamoDBDocumentClient);
export const sesMock = mockClient(SESv2Client);
export const identityMock = mockClient(CognitoIdentityClient);

/** The identity id and temporary credentials the identity mock answers. */
export const IDENTITY = {
  identity_id: 'us-east-1:0a1b2c3d-0000-4000-8000-000000000001', access_key: 'ASIAMOCKEDACCESSKEY', secret_key: 'mocked-secret', session_key: 'mocked-session-token',
  expires_at: '2030-01-01T00:00:00.000Z',
};

/** A Cognito-style error, as the SDK throws it. */
export const cognitoFailure = (name: string, message = name) => Object.assign(new Error(message), { name, $fault: 'client' });

/** Resets the mocks to "nothing recorded, no limit reached, no revocation". */
export function resetMocks(): void {
  cognitoMock.reset();
  sesMock.reset();
  dynamoMock.reset();
  identityMock.reset();
  identityMock.on(GetIdCommand).resolves({ IdentityId: IDENTITY.identity_id });
  identityMock.on(GetCredentialsForIdentityCommand).resolves({
    IdentityId: IDENTITY.identity_id,
    Credentials: { AccessKeyId: IDENTITY.access_key, SecretKey: IDENTITY.secret_key, SessionToken: IDENTITY.session_key, Expiration: new Date(IDENTITY.expires_at) },
  });
  dynamoMock.on(GetCommand).resolves({});
  dynamoMock.on(PutCommand).resolves({});
  dynamoMock.on(UpdateCommand).resolves({ Attributes: { count: 1 } });
}

/**
 * Starts the test issuer and points the JWT layer at it. Call in `beforeAll` before importing a handler:
 * handlers build their verifier at load, as on Lambda.
 */
export async function useTestIssuer(): Promise<TestIssuer> {
  const issuer = await startTestIssuer(process.env.USER_POOL_CLIENT_ID);
  process.env.JWT_ISSUER = issuer.issuer;
  process.env.JWKS_URI = issuer.jwksUri;
  return issuer;
}

type Handler = (event: unknown, context: unknown, ...rest: unknown[]) => Promise<unknown>;
export interface Answer { status: number; headers: Record<string, string>; body: { message: string; data: any; error: boolean } & Record<string, any> }

/** Invokes `handler` with an HTTP API event built from `options`; parses the JSON body. */
export async function call(handler: unknown, options: HttpEventOptions = {}): Promise<Answer> {
  const response = await (handler as Handler)(httpEvent(options), lambdaContext()) as { statusCode: number; headers: Record<string, string>; body: string };
  return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body) };
}
