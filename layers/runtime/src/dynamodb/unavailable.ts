import { DomainError } from '../errors';

/** Seconds a client is told to wait before retrying a write that lost a race or was throttled. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * 503 Service Unavailable with a `Retry-After` header (RFC 9110 §10.2.3): the request was valid but the
 * table refused it for now (a concurrent transaction held an item, or the table was throttled). Unlike
 * other 5xx its message is shown, so the client knows retrying is the remedy.
 */
export class ServiceUnavailable extends DomainError {
  constructor(message = 'The service is busy: retry the request', retryAfterSeconds = RETRY_AFTER_SECONDS) {
    super(503, message, { 'Retry-After': String(retryAfterSeconds) });
    this.name = 'ServiceUnavailable';
    Object.defineProperty(this, 'expose', { value: true });
  }
}

/** A 503 {@link ServiceUnavailable} to `throw`. */
export const serviceUnavailable = (message?: string, retryAfterSeconds?: number) => new ServiceUnavailable(message, retryAfterSeconds);
