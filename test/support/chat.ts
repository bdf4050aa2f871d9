/**
 * What the chat tests share: members and an event of the local stack, and WebSocket clients (the `ws`
 * package) of its chat API that collect their frames.
 */
import WebSocket from 'ws';
import { api, newUser, stack, waitFor, type TestUser } from './stack';

/** Three users with profiles: `owner` and `member` befriended, `member` invited to `eventId`; `stranger` in nothing. */
export interface ChatCast { owner: TestUser; member: TestUser; stranger: TestUser; eventId: string }

/** Creates a {@link ChatCast} through the HTTP API. */
export async function chatCast(): Promise<ChatCast> {
  const [owner, member, stranger] = await Promise.all([newUser('owner'), newUser('member'), newUser('stranger')]);
  for (const user of [owner, member, stranger]) {
    const created = await api('/user', { token: user.idToken, body: { email: user.email, username: user.username } });
    if (created.status !== 201) throw new Error(`profile: ${created.status}`);
  }
  await api(`/user/${member.sub}/friend_request`, { token: owner.idToken, body: { from: owner.sub } });
  await api(`/user/${owner.sub}/friend_request`, { token: member.idToken, body: { from: member.sub } });
  const now = Math.floor(Date.now() / 1000);
  const event = await api('/event', { token: owner.idToken, body: { name: 'chat test', start_time: now + 3600, end_time: now + 7200, single_event: true, owner: owner.sub } });
  if (event.status !== 201) throw new Error(`event: ${event.status} ${JSON.stringify(event.body)}`);
  const eventId = event.body.response.id as string;
  const invited = await api(`/event/${eventId}/people`, { token: owner.idToken, body: { users: [member.sub] } });
  if (invited.status !== 200) throw new Error(`invite: ${invited.status}`);
  return { owner, member, stranger, eventId };
}

/** A frame the server sent. */
export type Frame = { type?: string; [field: string]: any };

/** An open chat socket and every frame it received, in order. */
export interface ChatSocket {
  socket: WebSocket;
  frames: Frame[];
  /** Resolves with the close code once the server (or we) closed it. */
  closed: Promise<number>;
  send(frame: unknown): void;
  /** The first frame (received before or after the call) that `match` accepts; fails after 10 s. */
  next(match: (frame: Frame) => boolean, what?: string): Promise<Frame>;
}

/**
 * Opens a socket on the stack's chat API.
 * @param how - `protocols` (subprotocol entries, as browsers send the token), `query`, `headers`
 * @throws Error `refused <status>` when the handshake is refused (the `$connect` answer)
 */
export async function openSocket(how: { protocols?: string[]; query?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<ChatSocket> {
  const url = new URL(stack().websocket!);
  for (const [name, value] of Object.entries(how.query ?? {})) url.searchParams.set(name, value);
  const socket = new WebSocket(url, how.protocols ?? [], { headers: how.headers });
  const frames: Frame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`refused ${response.statusCode}`)));
    socket.once('error', reject);
  });
  return {
    socket, frames, closed,
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: (match, what = 'a frame') => waitFor(async () => frames.find(match), { timeout: 10_000, interval: 20, what }),
  };
}

/** Opens a socket with `user`'s ID token as a subprotocol entry, subscribed to `eventId` (the `subscribed` frame received). */
export async function memberSocket(user: TestUser, eventId: string): Promise<ChatSocket> {
  const chat = await openSocket({ protocols: ['darkroom-chat', user.idToken] });
  chat.send({ action: 'subscribe', event_id: eventId });
  await chat.next((f) => f.type === 'subscribed' && f.event_id === eventId, 'subscribed');
  return chat;
}

/** The `message` frames of `eventId` a socket received. */
export const messagesOf = (chat: ChatSocket, eventId: string) => chat.frames.filter((f) => f.type === 'message' && f.event_id === eventId).map((f) => f.message);
