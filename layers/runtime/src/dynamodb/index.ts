/**
 * DynamoDB helpers every service uses: paging, batches with retries, update expressions, named
 * transactions and their failed conditions, backoff and bounded concurrency.
 */
export { backoff, mapLimit } from './retry';
export { queryPages, queryAll, scanPages, type QueryInput } from './query';
export {
  batchGet, batchWrite, batchDelete, BATCH_GET_KEYS, BATCH_WRITE_ITEMS, BATCH_ATTEMPTS,
  type BatchGetOptions, type BatchWriteRequest,
} from './batch';
export { updateExpression, type UpdateParts, type UpdateSpec } from './update';
export {
  transactWrite, conditionFailed, isTransient, rethrowWriteError, cancellationReasons, type TransactAction, type NamedActions,
} from './transactions';
export { ServiceUnavailable, serviceUnavailable, RETRY_AFTER_SECONDS } from './unavailable';
