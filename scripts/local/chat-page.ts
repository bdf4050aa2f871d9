/**
 * `GET /_local/chat`: the local stack's chat page (scripts/local/pages/chat.html), a static page that logs
 * in over the HTTP API and sends and receives an event's chat over the WebSocket API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRoute } from './api';

/** The route serving the page, with the WebSocket API's URL filled in. */
export function chatPageRoute(websocketUrl: string): LocalRoute {
  const page = readFileSync(join(__dirname, 'pages', 'chat.html'), 'utf8').replace('__WEBSOCKET_URL__', websocketUrl);
  return async (request, url) => (request.method === 'GET' && url.pathname === '/_local/chat')
    ? { status: 200, body: page, contentType: 'text/html; charset=utf-8' } : undefined;
}
