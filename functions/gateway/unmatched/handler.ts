import { DomainError, httpHandler, notFound } from '@darkroom/runtime';
import { classify, routeTable } from './route-table';

const routes = routeTable();

/**
 * The HTTP API's `$default` route: every request that matches no route. Answers 404 `Not Found`, or 405
 * `Method Not Allowed` with `Allow` for a known path asked with another method, in the envelope of the
 * service the path belongs to (social's `{response: null, message}`, datasets' `{success: false, ...}`).
 */
export const handler = httpHandler({
  envelope: (event) => classify(routes, event.rawPath).envelope,
  auth: 'none',
  body: 'none',
}).handler(async ({ event }) => {
  const { statusCode, allow } = classify(routes, event.rawPath);
  throw statusCode === 405
    ? new DomainError(405, 'Method Not Allowed', { Allow: allow.join(', ') })
    : notFound('Not Found');
});
