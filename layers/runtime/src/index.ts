/**
 * @darkroom/runtime: what every Darkroom handler shares (DESIGN.md §1-2). Bundled into each function.
 */
export { httpHandler, type HttpHandlerOptions, type HttpRequest, type BodyMode, type AuthMode } from './http';
export type { HttpIdempotencyOptions } from './idempotency';
export { maxReceiveCountVariable } from './receive-count';
export { queueHandler, attemptOf, type QueueHandlerOptions, type QueueMessage, type Attempt } from './queue';
export { loadConfig, loadConfigMap, optionalEnv, isLocal, ConfigError } from './config';
export { s3, dynamo, dynamoClient, sqs, ses, cognito, ec2, connectionsApi } from './aws';
export { logger, tracer, metrics, MetricUnit, invocationScoped, serviceOf } from './observability';
export {
  createError, DomainError, badRequest, forbidden, notFound, conflict, payloadTooLarge,
  unsupportedMediaType, unprocessable, tooManyRequests,
} from './errors';
export { envelopes, serviceEnvelopes, type Envelope, type EnvelopeName } from './envelopes';
export { respond, redirect, rawResponse, HttpResult, RawHttpResult, type RespondOptions } from './response';
export {
  eventSchemas, combineValidators, routeValidator, describeValidationErrors,
  type RouteSchema, type RouteInput, type PrecompiledValidator, type EventValidator, type RouteContract, type RouteResponse,
} from './schema';
export { authDependencies } from './auth';
export { dynamoRevocationStore } from './revocations';
export { identityStore, identityStoreOf, cognitoIdentity, loginsOf, identityKey, type IdentityStore, type IdentityCredentials, type IdentityDeps } from './identities';
export type { Caller } from '@darkroom/jwt';
export { sanitizeFileName, ownerKey, parseOwnerKey, MAX_FILE_NAME_LENGTH, type OwnerKey } from './keys';
export { presignUpload, presignedUploadSchema, type PresignedUpload, type PresignUploadOptions } from './uploads';
export { scheduleHandler, type ScheduledRun } from './schedule';
export {
  reconcilePending, tablePendingCatalog, objectCreatedEvent,
  type PendingOriginal, type PendingCatalog, type PendingTableLayout, type ReconcileDeps, type ReconcileOptions, type ReconcileSummary,
} from './reconcile';
export {
  presignDownload, presignPut, presignedUrlProperties, MAX_PRESIGN_SECONDS,
  type PresignedUrl, type PresignDownloadOptions, type PresignPutOptions,
} from './presign';
export {
  websocketHandler, handshakeToken, chosenProtocol, offeredProtocols, errorFrame,
  type WebSocketHandlerOptions, type WebSocketRequest, type WebSocketRoute, type WebSocketEvent, type WebSocketResult, type Frame, type ErrorFrame,
} from './websocket';
export {
  backoff, mapLimit, queryPages, queryAll, scanPages, batchGet, batchWrite, batchDelete, updateExpression,
  transactWrite, conditionFailed, isTransient, rethrowWriteError, cancellationReasons, ServiceUnavailable, serviceUnavailable,
  BATCH_GET_KEYS, BATCH_WRITE_ITEMS, RETRY_AFTER_SECONDS,
  type QueryInput, type BatchGetOptions, type BatchWriteRequest, type UpdateParts, type UpdateSpec, type TransactAction, type NamedActions,
} from './dynamodb';
export {
  encodeCursor, decodeCursor, foreignCursor, cursorSchema, nextCursorSchema, pageProperties, pageQuerySchema, queryPage, Page, page, CURSOR_SECRET_VARIABLE,
  type CursorScope, type CursorPage, type QueryPageOptions,
} from './pagination';
