import {
  IdempotencyConfig, IdempotencyItemAlreadyExistsError, IdempotencyRecordStatus, IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { dynamoClient } from './aws';
import { loadConfig } from './config';
import { badRequest, conflict, createError } from './errors';
import { logger } from './observability';

/** The request header that names a retried request (draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Options of `httpHandler`'s `idempotency`. */
export interface HttpIdempotencyOptions {
  /** How long the first answer is kept and replayed, seconds. Default 24 hours. */
  expiresAfterSeconds?: number;
  /**
   * The part of the (parsed) body a repeat must send unchanged. Default: the whole body. Leave out what
   * may rightly differ between retries, such as a token carried in the body.
   */
  payload?: (body: unknown) => unknown;
}

/** What a completed record keeps: the answer as the client got it. */
type StoredAnswer = Pick<APIGatewayProxyStructuredResultV2, 'statusCode' | 'headers' | 'body'>;

/** What a record is keyed and checked by: the scoped key, and the request body (a repeat must send the same). */
type Claim = Parameters<DynamoDBPersistenceLayer['saveInProgress']>[0];

/** The part of a Middy request the two middlewares read. */
interface IdempotentRequest {
  event: APIGatewayProxyEventV2;
  context: Context & { caller?: { sub: string } };
  response?: unknown;
}

/**
 * The key as sent: an opaque string of 1..255 visible ASCII characters, with or without the quotes of the
 * draft's structured-field form (`Idempotency-Key: "8e03978e-..."`).
 * @throws 400 for anything else
 */
function keyOf(header: string): string {
  const key = /^"(.*)"$/.exec(header.trim())?.[1] ?? header.trim();
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID');
  return key;
}

/**
 * Powertools idempotency for one HTTP route, keyed by the `Idempotency-Key` header: the first request with
 * a key runs and its answer (status, headers, body) is stored in the `IDEMPOTENCY_TABLE` DynamoDB table; a
 * request repeating the key gets that answer again, with `Idempotent-Replayed: true`, and the route does not
 * run. A key is scoped to the method, the path (`/chat/<event>/messages`) and the caller (anonymous callers
 * share one scope per path, so their keys must be unguessable, e.g. UUIDs). Requests without the header run as usual.
 *
 * Only 2xx answers are kept: after a refusal or a failure the client may retry with the same key.
 * The same key with another body is refused with 422; a repeat while the first is still running gets 409.
 *
 * Returns two Middy middlewares: `replay` goes after authentication and validation (it claims the key or
 * answers the stored response), `store` goes outermost, so it stores the response as the envelope made it.
 * A replay skips every later middleware: `onReplay` sees it first (the request's metrics count it).
 */
export function httpIdempotency(options: HttpIdempotencyOptions = {}, onReplay?: (request: { event: APIGatewayProxyEventV2; response: unknown }) => void): { replay: MiddlewareObj; store: MiddlewareObj } {
  const claimed = new WeakMap<object, Claim>();
  let persistence: DynamoDBPersistenceLayer | undefined;
  const store = (context: Context) => {
    if (!persistence) {
      const { idempotencyTable } = loadConfig({ idempotencyTable: 'IDEMPOTENCY_TABLE' });
      persistence = new DynamoDBPersistenceLayer({ tableName: idempotencyTable, awsSdkV3Client: dynamoClient() });
      persistence.configure({
        config: new IdempotencyConfig({
          eventKeyJmesPath: 'key', payloadValidationJmesPath: 'request', throwOnNoIdempotencyKey: true,
          expiresAfterSeconds: options.expiresAfterSeconds ?? 24 * 3600,
        }),
        keyPrefix: context.functionName,
      });
    }
    return persistence;
  };

  const replayOf = (record: IdempotencyRecord | undefined) => {
    if (record?.getStatus() === IdempotencyRecordStatus.COMPLETED) {
      const answer = record.getResponse() as unknown as StoredAnswer;
      return { ...answer, headers: { ...answer.headers, 'Idempotent-Replayed': 'true' } };
    }
    throw conflict('A request with this Idempotency-Key is still being processed: retry shortly');
  };

  return {
    replay: {
      before: async (request) => {
        const { event, context } = request as unknown as IdempotentRequest;
        const header = event.headers?.[IDEMPOTENCY_HEADER];
        if (header === undefined) return undefined;
        const data = { key: `${event.requestContext?.http?.method ?? 'POST'} ${event.rawPath} ${context.caller?.sub ?? 'anonymous'} ${keyOf(header)}`, request: (options.payload ? options.payload(event.body) : event.body) ?? null } as Claim;
        const persistence = store(context);
        try {
          await persistence.saveInProgress(data, context.getRemainingTimeInMillis());
          claimed.set(request, data);
          return undefined;
        } catch (error) {
          if (!(error instanceof IdempotencyItemAlreadyExistsError)) throw error;
          try {
            const record = error.existingRecord ? persistence.processExistingRecord(error.existingRecord, data) : await persistence.getRecord(data);
            const answer = replayOf(record);
            onReplay?.({ event, response: answer });
            return answer;
          } catch (problem) {
            if (problem instanceof IdempotencyValidationError) throw createError(422, 'This Idempotency-Key was used with another request body');
            throw problem;
          }
        }
      },
    },
    store: {
      after: async (request) => {
        const data = claimed.get(request);
        if (!data) return;
        const response = request.response as StoredAnswer;
        const persistence = store(request.context as Context);
        const kept = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
        // The work is done: a record that cannot be written is logged, and the answer still goes out.
        await (kept ? persistence.saveSuccess(data, { statusCode: response.statusCode, headers: response.headers, body: response.body } as never) : persistence.deleteRecord(data))
          .catch((error: unknown) => logger.error('could not record an idempotent answer', { error: error as Error }));
      },
      onError: async (request) => {
        const data = claimed.get(request);
        if (!data) return;
        await store(request.context as Context).deleteRecord(data)
          .catch((error: unknown) => logger.error('could not release an idempotency key after a failed request', { error: error as Error }));
      },
    },
  };
}
