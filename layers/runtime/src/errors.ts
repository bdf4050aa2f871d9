import createError from 'http-errors';

export { createError };

/**
 * A domain error that maps to one HTTP status. Services subclass it (or call {@link domainError}) so their
 * `lib/` code stays free of HTTP while the handler stack still answers with the right 4xx.
 * Statuses below 500 expose their message to the client; 5xx never do.
 */
export class DomainError extends Error {
  readonly expose: boolean;
  constructor(readonly statusCode: number, message: string, readonly headers?: Record<string, string>) {
    super(message);
    this.name = 'DomainError';
    this.expose = statusCode < 500;
  }
}

/** Shorthands for the statuses Darkroom's domains use. Each returns a {@link DomainError} to `throw`. */
export const badRequest = (message: string) => new DomainError(400, message);
export const forbidden = (message = 'Forbidden') => new DomainError(403, message);
export const notFound = (message = 'Not found') => new DomainError(404, message);
export const conflict = (message: string) => new DomainError(409, message);
export const payloadTooLarge = (message: string) => new DomainError(413, message);
export const unsupportedMediaType = (message: string) => new DomainError(415, message);
export const unprocessable = (message: string) => new DomainError(422, message);
export const tooManyRequests = (message: string, retryAfterSeconds?: number) =>
  new DomainError(429, message, retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : undefined);
