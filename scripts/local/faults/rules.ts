/**
 * Fault rules of the local stack, in the spirit of AWS Fault Injection Service and LocalStack's chaos
 * API: each rule says which service (and optionally which operation) fails, how, and with what
 * probability. Rules come from `DARKROOM_FAULTS` at start and from `POST /_local/faults` at run time.
 *
 * Compact form, comma-separated: `service:error:probability[:operation]`, where `error` is one of
 * `throttle`, `conflict`, `internal`, `unavailable` or `latency:<ms>`; e.g.
 * `dynamodb:throttle:0.05,dynamodb:conflict:0.05:TransactWriteItems,s3:unavailable:0.02,dynamodb:latency:200:0.1`.
 */

/** Services the injector stands in front of. */
export const FAULT_SERVICES = ['dynamodb', 's3', 'sqs', 'cognito', 'ses', 'ec2'] as const;
export type FaultService = typeof FAULT_SERVICES[number];

/** Kinds of fault; `latency` delays the request by `latencyMs` and then passes it on. */
export const FAULT_ERRORS = ['throttle', 'conflict', 'internal', 'unavailable', 'latency'] as const;
export type FaultError = typeof FAULT_ERRORS[number];

/** DynamoDB operations a transaction conflict can hit (AWS: TransactionCanceledException / TransactionConflictException). */
export const CONFLICT_OPERATIONS = ['TransactWriteItems', 'TransactGetItems', 'ExecuteTransaction', 'PutItem', 'UpdateItem', 'DeleteItem'] as const;

export interface FaultRule {
  service: FaultService;
  error: FaultError;
  /** Chance in [0, 1] that a matching request is faulted. */
  probability: number;
  /** AWS operation name (e.g. `TransactWriteItems`, `PutObject`); absent = every operation. */
  operation?: string;
  /** Delay in milliseconds, for `latency` only. */
  latencyMs?: number;
}

/** A rule as `GET /_local/faults` shows it: the rule, its compact form, and how many faults it injected. */
export interface FaultRuleState extends FaultRule { rule: string; injected: number }

/** A rule string or part of one that cannot be read; the message names the bad part. */
export class FaultRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultRuleError';
  }
}

const OPERATION = /^[A-Z][A-Za-z0-9]*$/;

/** The compact form of one rule (the inverse of {@link parseFaultRules} for one entry). */
export function formatFaultRule(rule: FaultRule): string {
  const error = rule.error === 'latency' ? `latency:${rule.latencyMs}` : rule.error;
  return [rule.service, error, rule.probability, ...(rule.operation ? [rule.operation] : [])].join(':');
}

/**
 * Checks one rule given as an object (the JSON form of `POST /_local/faults`).
 * @throws FaultRuleError naming the bad field and the allowed values
 */
export function checkFaultRule(rule: Partial<Record<keyof FaultRule, unknown>>, where = 'rule'): FaultRule {
  const { service, error, probability, operation, latencyMs } = rule;
  if (!FAULT_SERVICES.includes(service as FaultService)) {
    throw new FaultRuleError(`${where}: unknown service '${String(service)}' (one of ${FAULT_SERVICES.join(', ')})`);
  }
  if (!FAULT_ERRORS.includes(error as FaultError)) {
    throw new FaultRuleError(`${where}: unknown error '${String(error)}' (one of throttle, conflict, internal, unavailable, latency:<ms>)`);
  }
  if (typeof probability !== 'number' || !Number.isFinite(probability) || probability < 0 || probability > 1) {
    throw new FaultRuleError(`${where}: probability '${String(probability)}' is not a number from 0 to 1`);
  }
  if (operation !== undefined && (typeof operation !== 'string' || !OPERATION.test(operation))) {
    throw new FaultRuleError(`${where}: operation '${String(operation)}' is not an AWS operation name such as PutItem`);
  }
  if (error === 'latency' && (typeof latencyMs !== 'number' || !Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 120_000)) {
    throw new FaultRuleError(`${where}: latency '${String(latencyMs)}' is not a whole number of milliseconds from 0 to 120000`);
  }
  if (error === 'conflict' && service !== 'dynamodb') {
    throw new FaultRuleError(`${where}: error 'conflict' exists only for dynamodb (a transaction conflict)`);
  }
  if (error === 'conflict' && operation !== undefined && !(CONFLICT_OPERATIONS as readonly string[]).includes(operation as string)) {
    throw new FaultRuleError(`${where}: a conflict cannot hit operation '${String(operation)}' (one of ${CONFLICT_OPERATIONS.join(', ')})`);
  }
  return {
    service: service as FaultService, error: error as FaultError, probability,
    ...(operation === undefined ? {} : { operation: operation as string }),
    ...(error === 'latency' ? { latencyMs: latencyMs as number } : {}),
  };
}

/**
 * Reads the compact form: comma-separated `service:error:probability[:operation]`, with `latency:<ms>`
 * as the error for a delay. Blank entries are skipped; an empty string gives no rules.
 * @throws FaultRuleError quoting the bad entry and naming the bad part
 */
export function parseFaultRules(text: string): FaultRule[] {
  return text.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const parts = entry.split(':');
    const [service, error] = parts;
    const latency = error === 'latency';
    const rest = parts.slice(latency ? 3 : 2);
    if (rest.length < 1 || rest.length > 2) {
      throw new FaultRuleError(`fault rule '${entry}': expected service:error:probability[:operation]${latency ? ' with latency:<ms> as the error' : ''}`);
    }
    const number = (value: string | undefined) => (value !== undefined && /^\s*[\d.]+\s*$/.test(value) ? Number(value) : value);
    return checkFaultRule({
      service, error, probability: number(rest[0]), operation: rest[1],
      ...(latency ? { latencyMs: number(parts[2]) } : {}),
    }, `fault rule '${entry}'`);
  });
}

/**
 * A deterministic pseudo-random source in [0, 1) (mulberry32), so a seeded run faults the same
 * requests each time it sends them in the same order.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The live rule set the injector consults: rules, their counters and the random source. */
export class FaultRules {
  private rules: FaultRuleState[] = [];
  private readonly random: () => number;

  /** @param seed - seed of the random source (`DARKROOM_FAULTS_SEED`); absent = a random seed */
  constructor(rules: FaultRule[] = [], seed?: number) {
    this.random = seededRandom(seed ?? Math.floor(Math.random() * 2 ** 32));
    this.add(rules);
  }

  /** Appends rules (they apply from the next request on). */
  add(rules: FaultRule[]): void {
    this.rules.push(...rules.map((rule) => ({ ...rule, rule: formatFaultRule(rule), injected: 0 })));
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The rules with their counters (copies). */
  list(): FaultRuleState[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Whether any rule names `service` (when none does, its requests pass through untouched). */
  touches(service: FaultService): boolean {
    return this.rules.some((rule) => rule.service === service && rule.probability > 0);
  }

  /**
   * Draws for each rule of `service` that matches `operation`, in order, and returns the first that
   * fires (counted), or undefined. A conflict rule without an operation matches only the operations
   * a conflict can hit.
   */
  pick(service: FaultService, operation: string | undefined): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.service !== service) continue;
      if (rule.operation ? rule.operation !== operation : rule.error === 'conflict' && !(CONFLICT_OPERATIONS as readonly string[]).includes(operation ?? '')) continue;
      if (this.random() < rule.probability) {
        rule.injected += 1;
        return rule;
      }
    }
    return undefined;
  }
}

/**
 * The stack's fault options from the environment: `DARKROOM_FAULTS` (compact rules) and
 * `DARKROOM_FAULTS_SEED` (an integer seed for reproducible runs).
 * @throws FaultRuleError naming the variable and the bad part
 */
export function faultOptionsFromEnvironment(env: NodeJS.ProcessEnv): { faults: FaultRule[]; faultsSeed?: number } {
  let faults: FaultRule[];
  try {
    faults = parseFaultRules(env.DARKROOM_FAULTS ?? '');
  } catch (error) {
    throw new FaultRuleError(`DARKROOM_FAULTS: ${(error as Error).message}`);
  }
  const seed = env.DARKROOM_FAULTS_SEED;
  if (seed === undefined || seed === '') return { faults };
  if (!/^\d+$/.test(seed) || Number(seed) >= 2 ** 32) throw new FaultRuleError(`DARKROOM_FAULTS_SEED: '${seed}' is not a whole number from 0 to 4294967295`);
  return { faults, faultsSeed: Number(seed) };
}
