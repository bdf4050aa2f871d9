/**
 * Response envelopes, one per service family, as each seed's existing clients expect (DESIGN.md §2).
 *
 * `success(data, message)` wraps a handler's result; `failure(message)` wraps an error's exposed message
 * (a 5xx never carries internals: its message is the fixed `Internal Server Error`).
 */
import { Page } from './pagination/page';

export interface Envelope {
  success(data: unknown, message?: string): unknown;
  failure(message: string): unknown;
}

export const envelopes = {
  /** images, photos, visual: the plain JSON object; errors `{message}`. */
  plain: {
    success: (data) => data,
    failure: (message) => ({ message }),
  },
  /** auth (seed 003): `{message, data, error}`. */
  auth: {
    success: (data, message = 'OK') => ({ message, data: data ?? {}, error: false }),
    failure: (message) => ({ message, data: {}, error: true }),
  },
  /** datasets (seed 003): `{data, error, success, message}`. */
  datasets: {
    success: (data, message) => ({ data, error: false, success: true, message: message ?? null }),
    failure: (message) => ({ data: null, error: true, success: false, message }),
  },
  /** social (seed 004): `{response}`, a page `{response: [...], next_cursor}`; errors `{response: null, message}`. */
  social: {
    success: (data) => (data instanceof Page ? { response: data.items, next_cursor: data.next_cursor } : { response: data }),
    failure: (message) => ({ response: null, message }),
  },
} satisfies Record<string, Envelope>;

export type EnvelopeName = keyof typeof envelopes;

/**
 * The envelope each service answers in (DESIGN.md §2), by the service's folder under functions/;
 * services not listed (images, photos, visual, media) are `plain`. The local gateway answers an
 * unmatched route (404/405) in the envelope of the service its path belongs to.
 */
export const serviceEnvelopes: Readonly<Record<string, EnvelopeName>> = { auth: 'auth', datasets: 'datasets', social: 'social' };
