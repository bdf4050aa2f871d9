/**
 * Error answers in each AWS service's own wire format (status, error code header and body), so the
 * real SDK parses, classifies and retries an injected fault exactly as it does one from AWS.
 *
 * Sources: DynamoDB "Error handling with DynamoDB" and TransactWriteItems (awsJson1_0: `__type` and
 * `x-amzn-ErrorType`), the SQS JSON protocol (awsJson1_0 with `x-amzn-query-error: <code>;<fault>`
 * for query compatibility), S3 "Error responses" (XML `<Error><Code>`, 503 SlowDown), Cognito user
 * pools (awsJson1_1), SES v2 (restJson1), and EC2 "Error codes" (XML `<Response><Errors>`).
 */
import { randomUUID } from 'node:crypto';
import type { FaultError, FaultService } from './rules';

/** An error answer to send instead of the emulator's. */
export interface WireError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the answer depends on besides the service and the error. */
export interface WireRequest {
  /** The AWS operation name, when known (e.g. `TransactWriteItems`). */
  operation?: string;
  /** HTTP method (a HEAD answer has no body). */
  method: string;
  /** The request body, for the DynamoDB transaction conflict (one cancellation reason per item). */
  body?: Buffer;
}

type Code = { status: number; code: string; message: string };
/** The faults that answer with an error (the others delay or conflict). */
type ErrorFault = Exclude<FaultError, 'latency' | 'conflict'>;

const DYNAMODB: Record<ErrorFault, Code> = {
  throttle: { status: 400, code: 'ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.' },
  internal: { status: 500, code: 'InternalServerError', message: 'Internal server error' },
  unavailable: { status: 503, code: 'ServiceUnavailable', message: 'The service is currently unavailable or busy.' },
};

/** SQS codes with their awsQuery names (x-amzn-query-error), as the SQS JSON protocol sends them. */
const SQS: Record<ErrorFault, Code & { query: string; fault: 'Sender' | 'Receiver' }> = {
  throttle: { status: 400, code: 'RequestThrottled', query: 'RequestThrottled', fault: 'Sender', message: 'Request is throttled.' },
  internal: { status: 500, code: 'InternalFailure', query: 'InternalFailure', fault: 'Receiver', message: 'The request processing has failed because of an unknown error, exception or failure.' },
  unavailable: { status: 503, code: 'ServiceUnavailable', query: 'ServiceUnavailable', fault: 'Receiver', message: 'The request has failed due to a temporary failure of the server.' },
};

const S3: Record<ErrorFault, Code> = {
  throttle: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  internal: { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  unavailable: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
};

const COGNITO: Record<ErrorFault, Code> = {
  throttle: { status: 400, code: 'TooManyRequestsException', message: 'Too many requests' },
  internal: { status: 500, code: 'InternalErrorException', message: 'Internal server error' },
  unavailable: { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' },
};

const SES: Record<ErrorFault, Code> = {
  throttle: { status: 429, code: 'TooManyRequestsException', message: 'Too many requests.' },
  internal: { status: 500, code: 'InternalFailure', message: 'The request processing has failed because of an unknown error, exception or failure.' },
  unavailable: { status: 503, code: 'ServiceUnavailable', message: 'The request has failed due to a temporary failure of the server.' },
};

const EC2: Record<ErrorFault, Code> = {
  throttle: { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
  internal: { status: 500, code: 'InternalError', message: 'An internal error has occurred.' },
  unavailable: { status: 503, code: 'Unavailable', message: 'The server is overloaded and can\'t handle the request.' },
};

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** How many items a DynamoDB transaction request names (TransactItems, or Statements for ExecuteTransaction); 1 if unreadable. */
function transactionSize(body: Buffer | undefined): number {
  try {
    const input = JSON.parse(body?.toString('utf8') ?? '{}') as { TransactItems?: unknown[]; TransactStatements?: unknown[] };
    return Math.max(1, (input.TransactItems ?? input.TransactStatements ?? [undefined]).length);
  } catch {
    return 1;
  }
}

function awsJson(version: '1.0' | '1.1', status: number, type: string, payload: Record<string, unknown>, extra: Record<string, string> = {}): WireError {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId, 'x-amzn-errortype': `${type}:`, ...extra },
    body: JSON.stringify({ __type: type, ...payload }),
  };
}

function dynamodb(error: Exclude<FaultError, 'latency'>, request: WireRequest): WireError {
  const prefix = 'com.amazonaws.dynamodb.v20120810#';
  if (error === 'conflict') {
    if (request.operation === 'TransactWriteItems' || request.operation === 'TransactGetItems' || request.operation === 'ExecuteTransaction') {
      // One reason per item in request order: the first item conflicts, the others were not the cause.
      const reasons = Array.from({ length: transactionSize(request.body) }, (_, i) => i === 0
        ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
        : { Code: 'None' });
      const message = `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`;
      return awsJson('1.0', 400, `${prefix}TransactionCanceledException`, { Message: message, CancellationReasons: reasons });
    }
    // A single-item write on an item a transaction holds.
    return awsJson('1.0', 400, `${prefix}TransactionConflictException`, { message: 'Transaction is ongoing for the item' });
  }
  const { status, code, message } = DYNAMODB[error];
  return awsJson('1.0', status, `${prefix}${code}`, { message });
}

function s3(error: ErrorFault, request: WireRequest): WireError {
  const { status, code, message } = S3[error];
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const hostId = Buffer.from(randomUUID()).toString('base64');
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': hostId };
  if (request.method === 'HEAD') return { status, headers, body: '' };
  return {
    status, headers,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`,
  };
}

function ec2(error: ErrorFault): WireError {
  const { status, code, message } = EC2[error];
  const requestId = randomUUID();
  return {
    status,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
  };
}

/**
 * The answer AWS gives for `error` on `service`.
 * @throws Error for `latency`, which is a delay, not an answer
 */
export function wireError(service: FaultService, error: FaultError, request: WireRequest): WireError {
  if (error === 'latency') throw new Error('latency is a delay, not an error answer');
  if (service === 'dynamodb') return dynamodb(error, request);
  // Rules refuse a conflict on any other service.
  const kind = error === 'conflict' ? 'internal' : error;
  switch (service) {
    case 's3': return s3(kind, request);
    case 'ec2': return ec2(kind);
    case 'sqs': {
      const { status, code, message, query, fault } = SQS[kind];
      return awsJson('1.0', status, `com.amazonaws.sqs#${code}`, { message }, { 'x-amzn-query-error': `${query};${fault}` });
    }
    case 'cognito': {
      const { status, code, message } = COGNITO[kind];
      return awsJson('1.1', status, code, { message });
    }
    case 'ses': {
      const { status, code, message } = SES[kind];
      return { status, headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': code }, body: JSON.stringify({ message }) };
    }
  }
}
