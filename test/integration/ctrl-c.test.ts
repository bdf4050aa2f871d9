/**
 * Ctrl-C in a terminal signals the whole foreground process group. The emulators run in their own
 * process groups, so only start.ts gets that SIGINT, and it drains as on SIGTERM: a request in
 * progress finishes against a DynamoDB that is still up, then the emulators stop in order and the
 * stack exits 0 with no process left. The emulators still die with start.ts when it is SIGKILLed.
 * `npm start`'s entry (supervise.cjs) stands for the terminal's foreground group: the spawned
 * stack's pid is its pid and its process group.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { spawnStack, stopStack, type SpawnedStack } from '../../scripts/local/spawn';
import { fixturePhoto } from '../support/archives';
import { newUser } from '../support/stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `pid` is a live (not zombie) process. */
const alive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

/** Every process whose command line names the stack's data directory or whose pid its pid files hold. */
function emulatorProcesses(stack: SpawnedStack): number[] {
  const data = join(stack.dir, 'data');
  const pidFiles = [join(data, 'dynamodb', 'java.pid'), join(data, 'sqs', 'fauxqs.pid'), join(data, 'cognito', 'cognito-local.pid'), join(data, 's3rver.pid')];
  const pids = new Set(pidFiles.filter(existsSync).map((file) => Number(readFileSync(file, 'utf8').trim())));
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(data)) pids.add(Number(entry));
    } catch { /* gone */ }
  }
  pids.delete(stack.pid);
  return [...pids].filter(alive);
}

/** Parent pid and process group of `pid` (fields 4 and 5 of /proc/<pid>/stat). */
const stat = (pid: number): { ppid: number; group: number } => {
  const [, ppid, group] = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return { ppid: Number(ppid), group: Number(group) };
};
const groupOf = (pid: number): number => stat(pid).group;

/** start.ts: the child of `npm start`'s entry (supervise.cjs, the spawned stack's pid). */
const startTs = (stack: SpawnedStack): number => Number(readdirSync('/proc').find((entry) => {
  try {
    return /^\d+$/.test(entry) && stat(Number(entry)).ppid === stack.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('start.ts');
  } catch {
    return false;
  }
}));

let own: SpawnedStack | undefined;
afterEach(async () => {
  if (own) await stopStack(own.pid, own.dir);
  own = undefined;
});

test('a SIGINT to the whole process group drains in order: the request in progress finishes, DynamoDB stops last, exit 0, nothing left', async () => {
  own = await spawnStack({ DARKROOM_QUIET: '1', DARKROOM_SCHEDULES: 'off' }, 180_000);
  const stack = own;
  const emulators = emulatorProcesses(stack);
  const start = startTs(stack);
  // The foreground group holds only `npm start`'s entry; start.ts and DynamoDB Local (watchdog + JVM),
  // SQS, Cognito and S3 each run in a group of their own.
  expect(emulators.length).toBeGreaterThanOrEqual(5);
  expect([start, ...emulators].filter((pid) => groupOf(pid) === stack.pid)).toEqual([]);
  const user = await newUser('ctrlc', stack.ready.api);

  // An upload whose body is still arriving when Ctrl-C comes; its handler then writes to S3 and DynamoDB.
  const photo = fixturePhoto('Kleiber_by_Lukas_Baubkus.jpg');
  const url = new URL(`${stack.ready.api}/photos/upload_single_photo?filename=kleiber.jpg`);
  let answeredAt = 0;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const upload = request({
      host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'POST',
      headers: { 'content-type': 'image/jpeg', 'content-length': photo.length, authorization: `Bearer ${user.idToken}` },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => { answeredAt = Date.now(); resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }); });
    });
    upload.on('error', reject);
    upload.write(photo.subarray(0, 1024));
    void sleep(300).then(() => {
      process.kill(-stack.pid, 'SIGINT');
      // Long enough for an emulator that got the SIGINT to have exited (DynamoDB Local does at once).
      return sleep(1_500).then(() => upload.end(photo.subarray(1024)));
    });
  });
  const { status, body } = await answer;
  expect([status, body]).toEqual([201, expect.stringContaining('"content_type":"image/jpeg"')]);
  expect(await stack.exited).toBe(0);

  const log = readFileSync(stack.logFile, 'utf8');
  expect(log).toContain('SIGINT: stopping');
  expect(log).toMatch(/stopped in [\d.]+ s/);
  const exits = readFileSync(join(stack.dir, 'data', 'emulators.log'), 'utf8').split('\n')
    .map((line) => /^(\S+) \[(\w+)\] exited \((\w+)\)/.exec(line)).filter((m): m is RegExpExecArray => m !== null)
    .map(([, at, name, how]) => ({ at: Date.parse(at!), name, how }));
  // Each emulator exited once, on the stop (S3 first, as its notifications go to SQS), after the answer; none on the SIGINT (130).
  expect(exits.map((e) => e.name).sort()).toEqual(['cognito', 'dynamodb', 's3', 'sqs']);
  expect(exits.filter((e) => e.how === '130' || e.how === 'SIGINT')).toEqual([]);
  expect(exits.every((e) => e.at >= answeredAt - 5)).toBe(true);
  expect(exits.find((e) => e.name === 's3')!.at).toBeLessThanOrEqual(exits.find((e) => e.name === 'sqs')!.at);
  expect([start, ...emulators].filter(alive)).toEqual([]);
  expect(emulatorProcesses(stack)).toEqual([]);
}, 240_000);

test('the emulators die with start.ts when it is SIGKILLed (nothing can drain then)', async () => {
  own = await spawnStack({ DARKROOM_QUIET: '1', DARKROOM_SCHEDULES: 'off' }, 180_000);
  const emulators = emulatorProcesses(own);
  expect(emulators.length).toBeGreaterThanOrEqual(5);
  process.kill(startTs(own), 'SIGKILL');
  expect(await own.exited).toBe(137);
  const deadline = Date.now() + 20_000;
  while (emulators.some(alive) && Date.now() < deadline) await sleep(200);
  expect(emulators.filter(alive)).toEqual([]);
}, 240_000);
