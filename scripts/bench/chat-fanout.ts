/**
 * Chat fan-out: 50 members of one event, each with a socket open on the local stack's WebSocket API
 * (`npm start`'s gateway, the real functions, DynamoDB Local). Messages are sent one after another,
 * 40 over REST (`POST /chat/{eventId}/messages`) and 40 over the socket (`send`); every socket records
 * when each message reaches it. Prints p50/p99 from send to receipt over all (message, socket) pairs,
 * next to a bare `ws` broadcast on this machine (a server that forwards each frame it receives to the
 * same 50 sockets) and the ratio. What the ratio holds: storing the message, the membership and
 * revocation reads, the connections query and one PostToConnection per socket through the management
 * endpoint, against one in-memory loop.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { spawnStack, stopStack } from '../local/spawn';

// `npm run bench -- --quick` (DARKROOM_BENCH_QUICK=1): 10 members, 10 messages per path.
const QUICK = process.env.DARKROOM_BENCH_QUICK === '1';
const MEMBERS = QUICK ? 10 : 50;
const MESSAGES = QUICK ? 10 : 40;

interface Figures { p50: number; p99: number; samples: number }

function figures(latencies: number[]): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  return { p50: at(0.5), p99: at(0.99), samples: sorted.length };
}

/** Resolves once every socket received the frame carrying `marker`, with each receipt time. */
function receipts(sockets: WebSocket[], has: (data: string) => boolean): Promise<number[]> {
  return Promise.all(sockets.map((socket) => new Promise<number>((done) => {
    const listener = (data: WebSocket.RawData) => {
      if (!has(data.toString())) return;
      socket.off('message', listener);
      done(performance.now());
    };
    socket.on('message', listener);
  })));
}

/** The floor: a bare ws server forwarding each frame to all 50 sockets, measured the same way. */
async function bareBroadcast(): Promise<Figures> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((done) => server.once('listening', () => done()));
  server.on('connection', (socket) => socket.on('message', (data) => {
    for (const client of server.clients) client.send(data.toString());
  }));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sockets = await Promise.all(Array.from({ length: MEMBERS }, () => new Promise<WebSocket>((done) => {
    const socket = new WebSocket(url);
    socket.once('open', () => done(socket));
  })));
  const latencies: number[] = [];
  for (let i = 0; i < MESSAGES * 2; i++) {
    const marker = `bare-${i}`;
    const received = receipts(sockets, (data) => data.includes(marker));
    const sent = performance.now();
    sockets[i % MEMBERS]!.send(JSON.stringify({ type: 'message', message: { message: marker } }));
    latencies.push(...(await received).map((at) => at - sent));
  }
  for (const socket of sockets) socket.terminate();
  server.close();
  return figures(latencies);
}

async function main(): Promise<void> {
  const stack = await spawnStack({ DARKROOM_QUIET: '1' });
  process.env.DARKROOM_STACK_FILE = stack.readyFile;
  const { api, newUser } = await import('../../test/support/stack');
  const { memberSocket } = await import('../../test/support/chat');
  try {
    const users: Awaited<ReturnType<typeof newUser>>[] = [];
    for (let i = 0; i < MEMBERS; i += 10) users.push(...await Promise.all(Array.from({ length: Math.min(10, MEMBERS - i) }, () => newUser('fanout'))));
    const [owner, ...guests] = users;
    for (const user of users) await api('/user', { token: user.idToken, body: { email: user.email, username: user.username } });
    for (const guest of guests) {
      await api(`/user/${guest.sub}/friend_request`, { token: owner!.idToken, body: { from: owner!.sub } });
      await api(`/user/${owner!.sub}/friend_request`, { token: guest.idToken, body: { from: guest.sub } });
    }
    const now = Math.floor(Date.now() / 1000);
    const event = await api('/event', { token: owner!.idToken, body: { name: 'fan-out', start_time: now + 3600, end_time: now + 7200, single_event: true, owner: owner!.sub } });
    const eventId = event.body.response.id as string;
    const invited = await api(`/event/${eventId}/people`, { token: owner!.idToken, body: { users: guests.map((g) => g.sub) } });
    if (invited.status !== 200) throw new Error(`invite failed: ${invited.status}`);
    const chats: Awaited<ReturnType<typeof memberSocket>>[] = [];
    for (const user of users) chats.push(await memberSocket(user, eventId));
    const sockets = chats.map((chat) => chat.socket);

    const measure = async (send: (i: number, marker: string) => Promise<void>): Promise<Figures> => {
      const latencies: number[] = [];
      for (let i = 0; i < MESSAGES; i++) {
        const marker = `m-${Math.random().toString(36).slice(2)}`;
        const received = receipts(sockets, (data) => data.includes(marker) && data.includes('"type":"message"'));
        const sent = performance.now();
        await send(i, marker);
        latencies.push(...(await received).map((at) => at - sent));
      }
      return figures(latencies);
    };
    // One warm-up of each path, so cold starts are not in the figures.
    await api(`/chat/${eventId}/messages`, { token: owner!.idToken, body: { message: 'warm-up' } });
    chats[1]!.send({ action: 'send', event_id: eventId, message: 'warm-up' });
    await new Promise((r) => setTimeout(r, 1000));
    const rest = await measure(async (i, marker) => {
      const response = await api(`/chat/${eventId}/messages`, { token: users[i % MEMBERS]!.idToken, body: { message: marker } });
      if (response.status !== 201) throw new Error(`send failed: ${response.status}`);
    });
    const socket = await measure(async (i, marker) => { chats[i % MEMBERS]!.send({ action: 'send', event_id: eventId, message: marker }); });
    for (const chat of chats) chat.socket.terminate();
    const bare = await bareBroadcast();

    const line = (name: string, f: Figures) => `  ${name.padEnd(34)} p50 ${f.p50.toFixed(1).padStart(7)} ms   p99 ${f.p99.toFixed(1).padStart(7)} ms   (${f.samples} receipts)`;
    console.log(`Chat fan-out: ${MEMBERS} connected members, ${MESSAGES} messages per path, send -> receipt on every socket`);
    console.log(line('REST POST /chat/{id}/messages', rest));
    console.log(line('socket send', socket));
    console.log(line('bare ws broadcast (floor)', bare));
    console.log(`  ratio p50 vs bare ws: REST ${(rest.p50 / bare.p50).toFixed(1)}x, socket ${(socket.p50 / bare.p50).toFixed(1)}x; p99: REST ${(rest.p99 / bare.p99).toFixed(1)}x, socket ${(socket.p99 / bare.p99).toFixed(1)}x`);
  } finally {
    await stopStack(stack.pid, stack.dir);
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
