/**
 * What a handler returns when a plain 200 with its data is not enough: another status, headers, or an
 * envelope message (the auth envelope's `message`).
 */
export class HttpResult {
  constructor(
    readonly data: unknown,
    readonly statusCode = 200,
    readonly headers: Record<string, string> = {},
    readonly message?: string,
  ) {}
}

/** Options of {@link respond}. */
export interface RespondOptions {
  statusCode?: number;
  headers?: Record<string, string>;
  /** The envelope's message, where the service's envelope has one (auth, datasets). */
  message?: string;
}

/** Builds an {@link HttpResult}: `data` goes into the service's envelope. */
export const respond = (data: unknown, options: RespondOptions = {}): HttpResult =>
  new HttpResult(data, options.statusCode ?? 200, options.headers ?? {}, options.message);

/**
 * A 302 to `location`, with `data` (e.g. `{url}`) in the envelope for clients that do not follow it.
 * @param location - absolute URL for the `Location` header
 */
export const redirect = (location: string, data: unknown = { url: location }): HttpResult =>
  new HttpResult(data, 302, { Location: location });

/**
 * A response sent as it is, outside the service's envelope: a body that is not JSON (an iCalendar
 * feed, `text/calendar`) or none (a 304). Errors still answer in the envelope.
 */
export class RawHttpResult {
  constructor(
    readonly statusCode: number,
    readonly headers: Record<string, string>,
    /** UTF-8 text; absent or empty for no body. */
    readonly body = '',
  ) {}
}

/** Builds a {@link RawHttpResult}: `body` and `headers` (Content-Type included) go out unchanged. */
export const rawResponse = (body: string, options: { statusCode?: number; headers?: Record<string, string> } = {}): RawHttpResult =>
  new RawHttpResult(options.statusCode ?? 200, options.headers ?? {}, body);
