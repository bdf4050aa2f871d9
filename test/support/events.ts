/** Builders of the events Lambda receives, for unit tests that call handlers directly. */
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';

/** Options of {@link httpEvent}. */
export interface HttpEventOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  /** An object is sent as JSON; a Buffer as base64 binary; a string as is. */
  body?: unknown;
  token?: string;
  /** The caller's address (`requestContext.http.sourceIp`), default 127.0.0.1. */
  sourceIp?: string;
}

/** An API Gateway HTTP API (payload 2.0) event. */
export function httpEvent(options: HttpEventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/test';
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  let isBase64Encoded = false;
  if (Buffer.isBuffer(options.body)) {
    body = options.body.toString('base64');
    isBase64Encoded = true;
    headers['content-type'] ??= 'application/octet-stream';
  } else if (typeof options.body === 'string') {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return {
    version: '2.0', routeKey: `${method} ${path}`, rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers, queryStringParameters: options.query, pathParameters: options.pathParameters,
    requestContext: {
      accountId: '000000000000', apiId: 'test', domainName: 'test', domainPrefix: 'test',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '127.0.0.1', userAgent: 'jest' },
      requestId: 'request-id', routeKey: `${method} ${path}`, stage: '$default', time: '', timeEpoch: Date.now(),
    },
    body, isBase64Encoded,
  };
}

/** A Lambda context with a generous remaining time. */
export function lambdaContext(name = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false, functionName: name, functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`, memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`, logGroupName: name, logStreamName: name,
    getRemainingTimeInMillis: () => 30_000, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

/** An SQS event with one record per body. */
export function sqsEvent(...bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `message-${index}`, receiptHandle: `handle-${index}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:darkroom-thumbnails', awsRegion: 'us-east-1',
    })),
  };
}

/** The S3 ObjectCreated notification S3 sends to SQS for one object. */
export function s3Notification(bucket: string, key: string, size: number, sequencer = '0055AED6DCD90281E5') {
  return {
    Records: [{
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Post', userIdentity: { principalId: 'x' }, requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'x', 'x-amz-id-2': 'x' },
      s3: {
        s3SchemaVersion: '1.0', configurationId: 'thumbnails',
        bucket: { name: bucket, ownerIdentity: { principalId: 'x' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size, eTag: 'etag', sequencer },
      },
    }],
  };
}
