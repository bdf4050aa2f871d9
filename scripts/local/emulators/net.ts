/** Small network helpers shared by the emulators: free ports and readiness polling. */
import { createServer } from 'node:net';

/**
 * Asks the OS for a TCP port that is free right now on `host`.
 * @returns the port number (there is a small race until the caller binds it).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Picks `count` ports: `basePort + i` when basePort is non-zero, otherwise free ports from the OS.
 * @returns ports in order, one per requested slot.
 */
export async function pickPorts(count: number, basePort: number, host: string): Promise<number[]> {
  if (basePort) return Array.from({ length: count }, (_, i) => basePort + i);
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort(host);
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

/**
 * Polls `probe` every 100 ms until it resolves truthy.
 * @param timeoutMs - give up after this many milliseconds.
 * @throws Error naming `what` when the timeout passes.
 */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Resolves true once something answers HTTP at `url` (any status counts as an answer).
 */
export async function answersHttp(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
  await response.arrayBuffer();
  return true;
}
