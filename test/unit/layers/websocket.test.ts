import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { WebSocketEvent } from '@darkroom/runtime';
import { lambdaContext } from '../../support/events';
import { runtimeUnderTest } from '../../support/runtime';
import { strangerKey } from '../../support/tokens';

const setup = runtimeUnderTest();
const { dynamo } = setup;

/** The event API Gateway sends a WebSocket route's Lambda. */
const wsEvent = (routeKey: string, options: { headers?: Record<string, string>; query?: Record<string, string>; body?: string } = {}): WebSocketEvent => ({
  requestContext: {
    routeKey, eventType: routeKey === '$connect' ? 'CONNECT' : 'MESSAGE', connectionId: 'L0SM9cOFvHcCIhw=', messageId: 'm', extendedRequestId: 'x',
    requestTime: '', messageDirection: 'IN', stage: 'live', connectedAt: 0, requestTimeEpoch: 0, requestId: 'r', domainName: 'api', apiId: 'api',
  },
  headers: options.headers, queryStringParameters: options.query, body: options.body, isBase64Encoded: false,
});
const call = async (handler: unknown, event: WebSocketEvent) =>
  (handler as (e: unknown, c: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>)(event, lambdaContext());

describe('handshake tokens', () => {
  it('takes the subprotocol entry shaped like a JWT, else the token query parameter, and answers the other entry', () => {
    const token = setup.issuer.idToken('sub-1');
    const event = wsEvent('$connect', { headers: { 'Sec-WebSocket-Protocol': `darkroom-chat, ${token}` }, query: { token: 'other' } });
    expect(setup.runtime.handshakeToken(event)).toBe(token);
    expect(setup.runtime.chosenProtocol(event)).toBe('darkroom-chat');
    expect(setup.runtime.handshakeToken(wsEvent('$connect', { query: { token: 'q.t.x' } }))).toBe('q.t.x');
    expect(setup.runtime.chosenProtocol(wsEvent('$connect', { headers: { 'sec-websocket-protocol': token } }))).toBe(token);
    expect(setup.runtime.chosenProtocol(wsEvent('$connect'))).toBeUndefined();
  });
});

describe('websocketHandler({connect: true})', () => {
  const connect = () => setup.runtime.websocketHandler({ connect: true }).handler(async ({ caller, connectionId }) => { seen.push([caller?.sub, connectionId]); });
  const seen: unknown[] = [];
  beforeEach(() => { seen.length = 0; });

  it('accepts a verified token from the subprotocol, answering the chosen subprotocol, and hands the route the caller', async () => {
    const response = await call(connect(), wsEvent('$connect', { headers: { 'Sec-WebSocket-Protocol': `darkroom-chat, ${setup.issuer.idToken('sub-1')}` } }));
    expect(response).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'darkroom-chat' } });
    expect(seen).toEqual([['sub-1', 'L0SM9cOFvHcCIhw=']]);
  });

  it('accepts the token query parameter and Authorization', async () => {
    expect(await call(connect(), wsEvent('$connect', { query: { token: setup.issuer.accessToken('sub-2') } }))).toEqual({ statusCode: 200 });
    expect(await call(connect(), wsEvent('$connect', { headers: { Authorization: `Bearer ${setup.issuer.idToken('sub-3')}` } }))).toEqual({ statusCode: 200 });
    expect(seen.map(([sub]: any) => sub)).toEqual(['sub-2', 'sub-3']);
  });

  it('refuses no token, a wrongly signed one and a revoked session with 401, never calling the route', async () => {
    expect(await call(connect(), wsEvent('$connect'))).toMatchObject({ statusCode: 401 });
    expect(await call(connect(), wsEvent('$connect', { query: { token: setup.issuer.sign({ sub: 'x', token_use: 'id', aud: setup.issuer.clientId, iss: setup.issuer.issuer, exp: 2e9, iat: 1 }, { key: strangerKey() }) } }))).toMatchObject({ statusCode: 401 });
    const now = Math.floor(Date.now() / 1000);
    dynamo.on(GetCommand).resolves({ Item: { pk: 'USER#sub-4', sk: 'REVOKED', revoked_before: now + 5, admitted: [], expires_at: now + 3600 } });
    expect(await call(connect(), wsEvent('$connect', { query: { token: setup.issuer.idToken('sub-4') } }))).toMatchObject({ statusCode: 401, body: 'Token has been revoked: log in again' });
    expect(seen).toEqual([]);
  });

  it('refuses the handshake with the status of a domain error of the route (403), and 500 for anything else', async () => {
    const token = setup.issuer.idToken('sub-5');
    const forbidden = setup.runtime.websocketHandler({ connect: true }).handler(async () => { throw setup.runtime.forbidden('members only'); });
    expect(await call(forbidden, wsEvent('$connect', { query: { token } }))).toEqual({ statusCode: 403, body: 'members only' });
    const broken = setup.runtime.websocketHandler({ connect: true }).handler(async () => { throw new Error('secret detail'); });
    expect(await call(broken, wsEvent('$connect', { query: { token } }))).toEqual({ statusCode: 500, body: 'Internal Server Error' });
  });
});

describe('websocketHandler (message routes)', () => {
  const schema = { body: { type: 'object', properties: { action: { const: 'echo' }, text: { type: 'string', maxLength: 5 } }, required: ['action', 'text'], additionalProperties: false } } as const;
  const echo = () => setup.runtime.websocketHandler({ schema }).handler(async ({ body }) => ({ type: 'echo', text: body.text }));
  const frameOf = async (handler: unknown, body?: string) => JSON.parse((await call(handler, wsEvent('echo', { body }))).body!);

  it('answers the route\'s frame as the route response', async () => {
    expect(await frameOf(echo(), JSON.stringify({ action: 'echo', text: 'hi' }))).toEqual({ type: 'echo', text: 'hi' });
  });

  it('answers frames that are not JSON objects or break the schema with an error frame 400', async () => {
    expect(await frameOf(echo(), 'not json')).toEqual({ type: 'error', status: 400, message: 'The frame is not valid JSON' });
    expect(await frameOf(echo(), '[1]')).toEqual({ type: 'error', status: 400, message: 'The frame must be a JSON object' });
    expect(await frameOf(echo(), JSON.stringify({ action: 'echo', text: 'too long' }))).toEqual({ type: 'error', status: 400, action: 'echo', message: expect.stringContaining('text') });
  });

  it('keeps a domain error\'s status and message, and hides anything else behind 500', async () => {
    const refusing = setup.runtime.websocketHandler().handler(async () => { throw setup.runtime.forbidden('members only'); });
    expect(await frameOf(refusing, JSON.stringify({ action: 'send' }))).toEqual({ type: 'error', status: 403, message: 'members only', action: 'send' });
    const broken = setup.runtime.websocketHandler().handler(async () => { throw new Error('table darkroom-x is gone'); });
    expect(await frameOf(broken, '{}')).toEqual({ type: 'error', status: 500, message: 'Internal Server Error' });
  });
});
