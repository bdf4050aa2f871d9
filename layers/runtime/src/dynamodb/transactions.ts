import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailable } from './unavailable';

/** One action of a TransactWriteItems request (Put, Update, Delete or ConditionCheck). */
export type TransactAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A transaction's actions by name, in order. `undefined`/`false` entries are left out, so an optional
 * action is written `lock: exclusive && {...}`.
 */
export type NamedActions = Record<string, TransactAction | undefined | false> | ReadonlyArray<readonly [string, TransactAction | undefined | false]>;

/** The action names of each transaction {@link transactWrite} sent, by the error it failed with. */
const actionNames = new WeakMap<object, string[]>();

/** Error names DynamoDB (and the SDK) give a request throttled or in conflict with another transaction. */
const TRANSIENT_ERRORS = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded',
  'TransactionConflictException', 'TransactionInProgressException',
]);
/** Cancellation reason codes of the same (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html). */
const TRANSIENT_REASONS = new Set(['TransactionConflict', 'ProvisionedThroughputExceeded', 'ThrottlingError', 'RequestLimitExceeded']);

const nameOf = (error: unknown) => (error as { name?: string } | null)?.name;
const reasonsOf = (error: unknown): string[] | undefined =>
  nameOf(error) === 'TransactionCanceledException'
    ? ((error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((r) => r.Code ?? 'None')
    : undefined;

/**
 * Sends one TransactWriteItems request of named actions. When it is cancelled, {@link conditionFailed}
 * can then tell which action's condition failed by its name.
 * @throws the SDK's error (TransactionCanceledException, ...) unchanged
 */
export async function transactWrite(doc: DynamoDBDocumentClient, actions: NamedActions, options: { ClientRequestToken?: string } = {}): Promise<void> {
  const entries = (Array.isArray(actions) ? actions : Object.entries(actions)) as Array<[string, TransactAction | undefined | false]>;
  const kept = entries.filter((entry): entry is [string, TransactAction] => Boolean(entry[1]));
  const names = kept.map(([name]) => name);
  if (new Set(names).size !== names.length) throw new Error(`transactWrite: action names must be unique (${names.join(', ')})`);
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: kept.map(([, action]) => action), ...options }));
  } catch (error) {
    if (error && typeof error === 'object') actionNames.set(error, names);
    throw error;
  }
}

/**
 * True when DynamoDB refused a write for a while, not for good: throttled, or a cancelled transaction
 * none of whose conditions failed but whose items another transaction held.
 */
export function isTransient(error: unknown): boolean {
  if (TRANSIENT_ERRORS.has(nameOf(error) ?? '')) return true;
  const reasons = reasonsOf(error);
  return Boolean(reasons && !reasons.includes('ConditionalCheckFailed') && reasons.some((code) => TRANSIENT_REASONS.has(code)));
}

/**
 * Whether a conditional write failed because its condition did not hold.
 *
 * - A single write (PutItem, UpdateItem, DeleteItem): its ConditionalCheckFailedException; `action` is ignored.
 * - A transaction sent with {@link transactWrite}: the cancellation reason of the action named `action`
 *   (never looked up by position); without `action`, any action's.
 *
 * A throttle or a transaction conflict is not a failed condition: it is thrown as a 503
 * {@link ServiceUnavailable} with `Retry-After`, so no caller ever answers it as 404 or 409.
 * @returns false for any other error, which the caller rethrows
 * @throws ServiceUnavailable when {@link isTransient}; Error when `action` names no action of the transaction
 */
export function conditionFailed(error: unknown, action?: string): boolean {
  if (isTransient(error)) throw new ServiceUnavailable();
  if (nameOf(error) === 'ConditionalCheckFailedException') return true;
  const reasons = reasonsOf(error);
  if (!reasons) return false;
  if (action === undefined) return reasons.includes('ConditionalCheckFailed');
  const names = actionNames.get(error as object);
  const index = names?.indexOf(action) ?? -1;
  if (!names) throw new Error(`conditionFailed: the transaction was not sent with transactWrite, so its action "${action}" is unknown`);
  if (index < 0) return false;
  return reasons[index] === 'ConditionalCheckFailed';
}

/**
 * Rethrows a write's error: as a 503 {@link ServiceUnavailable} when it {@link isTransient}, else unchanged.
 * For writes whose failed condition the caller does not turn into an answer of its own.
 */
export function rethrowWriteError(error: unknown): never {
  if (isTransient(error)) throw new ServiceUnavailable();
  throw error;
}

/**
 * The cancellation reason code of each named action of a cancelled transaction sent with
 * {@link transactWrite} (`None` for actions that did not fail).
 * @returns undefined when `error` is not such a cancellation
 */
export function cancellationReasons(error: unknown): Record<string, string> | undefined {
  const reasons = reasonsOf(error);
  const names = error && typeof error === 'object' ? actionNames.get(error) : undefined;
  if (!reasons || !names) return undefined;
  return Object.fromEntries(names.map((name, index) => [name, reasons[index] ?? 'None']));
}
