import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optionalEnv } from './config';
import { tracer } from './observability';

/**
 * AWS SDK v3 clients, each created once per cold start on first use and traced by Powertools.
 *
 * Endpoints are the SDK's own: on AWS the regional ones; on the local stack the service-specific
 * `AWS_ENDPOINT_URL_<SERVICE>` variables (read by the SDK itself) point each client at its emulator.
 * Every client gets a request timeout, so a hung dependency fails the request instead of the Lambda.
 */
const clients = new Map<string, unknown>();
function once<T>(name: string, create: () => T): T {
  if (!clients.has(name)) clients.set(name, create());
  return clients.get(name) as T;
}

const common = () => ({
  requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 },
  maxAttempts: 3,
});

/** S3: path-style addressing when an endpoint override is set (the local emulator has no virtual hosts). */
export const s3 = (): S3Client => once('s3', () => tracer.captureAWSv3Client(new S3Client({
  ...common(),
  forcePathStyle: Boolean(optionalEnv('AWS_ENDPOINT_URL_S3')),
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
})));

/** The low-level DynamoDB client (Powertools idempotency takes this one). */
export const dynamoClient = (): DynamoDBClient => once('dynamodb', () => tracer.captureAWSv3Client(new DynamoDBClient(common())));

/** DynamoDB document client: native JS values in and out, `undefined` attributes dropped. */
export const dynamo = (): DynamoDBDocumentClient => once('dynamo', () => DynamoDBDocumentClient.from(
  dynamoClient(),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
));

export const sqs = (): SQSClient => once('sqs', () => tracer.captureAWSv3Client(new SQSClient(common())));
export const ses = (): SESv2Client => once('ses', () => tracer.captureAWSv3Client(new SESv2Client(common())));
export const cognito = (): CognitoIdentityProviderClient =>
  once('cognito', () => tracer.captureAWSv3Client(new CognitoIdentityProviderClient(common())));
export const ec2 = (): EC2Client => once('ec2', () => tracer.captureAWSv3Client(new EC2Client(common())));

/**
 * The `@connections` management API of one WebSocket API stage: `endpoint` is
 * `https://<api-id>.execute-api.<region>.amazonaws.com/<stage>` (the local gateway's on the local stack).
 */
export const connectionsApi = (endpoint: string): ApiGatewayManagementApiClient =>
  once(`apigatewaymanagementapi ${endpoint}`, () => tracer.captureAWSv3Client(new ApiGatewayManagementApiClient({ ...common(), endpoint })));
