import {
  ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, GoneException, PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import WebSocket from 'ws';
import type { FunctionSpec } from '../../../scripts/manifest';
import { selectRoute, startWebSocketGateway, type WebSocketGateway } from '../../../scripts/local/websocket-gateway';
import { received } from './fixtures/ws-routes';

const route = (name: string, key: string): FunctionSpec => ({
  name, entry: 'test/unit/local/fixtures/ws-routes.ts', trigger: { type: 'websocket', api: 'chat', route: key }, memory: 128, timeout: 5, env: {}, permissions: [],
});
let gateway: WebSocketGateway;
let client: ApiGatewayManagementApiClient;

beforeAll(async () => {
  gateway = await startWebSocketGateway({
    functions: [route('t-connect', '$connect'), route('t-disconnect', '$disconnect'), route('t-echo', 'echo'), route('t-default', '$default')],
    api: 'chat', spec: { routeSelectionExpression: '$request.body.action' }, port: 0,
  });
  client = new ApiGatewayManagementApiClient({ endpoint: gateway.managementEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(() => gateway.close());
beforeEach(() => { received.length = 0; });

/** Opens a socket; frames are collected in order. */
async function open(query = '', protocols = ['chat']) {
  const socket = new WebSocket(`${gateway.url}${query}`, protocols);
  const frames: unknown[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
  const closed = new Promise<number>((done) => socket.once('close', done));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_q, response) => reject(new Error(`refused ${response.statusCode}`)));
  });
  const next = async (count: number) => { while (frames.length < count) await new Promise((r) => setTimeout(r, 10)); return frames[count - 1]; };
  return { socket, frames, closed, next };
}
const connectionIdOf = () => received.find((e) => e.requestContext.routeKey === '$connect')!.requestContext.connectionId;

describe('selectRoute', () => {
  const routes = new Set(['subscribe', 'send']);
  it('takes the body field named by $request.body.<field> when a route has that key, else $default', () => {
    expect(selectRoute('$request.body.action', routes, '{"action":"send"}')).toBe('send');
    expect(selectRoute('$request.body.action', routes, '{"action":"fly"}')).toBe('$default');
    expect(selectRoute('$request.body.action', routes, '{"action":"$connect"}')).toBe('$default');
    expect(selectRoute('$request.body.action', routes, '{"action":{"x":1}}')).toBe('$default');
    expect(selectRoute('$request.body.action', routes, 'not json')).toBe('$default');
    expect(selectRoute('$request.body.type', routes, '{"type":"subscribe","action":"send"}')).toBe('subscribe');
  });
  it('refuses a selection expression it does not implement', () => {
    expect(() => selectRoute('${request.body.action}', routes, '{}')).toThrow('unsupported route selection expression');
  });
});

describe('the local WebSocket gateway', () => {
  it('invokes $connect with the handshake, answers its subprotocol, and refuses a handshake $connect refuses with its status', async () => {
    const chat = await open('?room=1');
    expect(chat.socket.protocol).toBe('chat');
    const [connect] = received;
    expect(connect).toMatchObject({ requestContext: { routeKey: '$connect', eventType: 'CONNECT', stage: 'local' }, queryStringParameters: { room: '1' } });
    expect(Object.entries(connect!.headers!).find(([name]) => name.toLowerCase() === 'sec-websocket-protocol')?.[1]).toBe('chat');
    chat.socket.close();
    await chat.closed;
    await expect(open('?deny=1')).rejects.toThrow('refused 403');
  });

  it('routes frames on $request.body.action, answers with the route\'s body, and sends the rest to $default', async () => {
    const chat = await open();
    chat.socket.send(JSON.stringify({ action: 'echo', n: 1 }));
    expect(await chat.next(1)).toEqual({ echo: { action: 'echo', n: 1 } });
    chat.socket.send('plain text');
    expect(await chat.next(2)).toEqual({ default: 'plain text' });
    const messages = received.filter((e) => e.requestContext.eventType === 'MESSAGE');
    expect(messages.map((e) => e.requestContext.routeKey)).toEqual(['echo', '$default']);
    expect(new Set(messages.map((e) => e.requestContext.connectionId))).toEqual(new Set([connectionIdOf()]));
    chat.socket.close();
    await chat.closed;
  });

  it('serves @connections to the real ApiGatewayManagementApiClient: post, get, delete (which runs $disconnect), then GoneException', async () => {
    const chat = await open();
    const id = connectionIdOf();
    await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from(JSON.stringify({ type: 'pushed' })) }));
    expect(await chat.next(1)).toEqual({ type: 'pushed' });
    const info = await client.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    expect(gateway.connections()).toBe(1);
    await client.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(await chat.closed).toBe(1000);
    while (!received.some((e) => e.requestContext.routeKey === '$disconnect')) await new Promise((r) => setTimeout(r, 10));
    expect(received.find((e) => e.requestContext.routeKey === '$disconnect')!.requestContext).toMatchObject({ eventType: 'DISCONNECT', connectionId: id });
    expect(gateway.connections()).toBe(0);
    await expect(client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('late') }))).rejects.toBeInstanceOf(GoneException);
  });
});

describe('connection limits', () => {
  it('closes a connection idle past the idle timeout with 1001, running $disconnect, as API Gateway does after 10 minutes', async () => {
    const short = await startWebSocketGateway({
      functions: [route('t-connect', '$connect'), route('t-disconnect', '$disconnect')],
      api: 'chat', spec: { routeSelectionExpression: '$request.body.action' }, port: 0, idleTimeoutMs: 100,
    });
    try {
      const socket = new WebSocket(short.url, ['chat']);
      const closed = new Promise<number>((done) => socket.once('close', done));
      expect(await closed).toBe(1001);
      while (!received.some((e) => e.requestContext.routeKey === '$disconnect')) await new Promise((r) => setTimeout(r, 10));
      expect(short.connections()).toBe(0);
    } finally {
      await short.close();
    }
  });
});
