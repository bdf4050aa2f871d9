/**
 * EC2: no emulator exists, so this is a minimal fake of the query-protocol actions the balancer uses:
 * DescribeInstances (instance ids and filters instance-id, instance-state-name, tag:<key>, tag-key),
 * StartInstances and StopInstances. State changes are immediate (the response says pending/stopping,
 * the next Describe says running/stopped). State lives in <dataDir>/ec2.json.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Emulator } from './dynamodb';

export interface FakeInstance {
  instanceId: string;
  instanceType: string;
  imageId: string;
  state: 'running' | 'stopped';
  privateIpAddress: string;
  launchTime: string;
  tags: Record<string, string>;
}

const STATE_CODES = { pending: 0, running: 16, stopping: 64, stopped: 80 } as const;
type StateName = keyof typeof STATE_CODES;

/** The two workers a fresh stack starts with. */
export function seedInstances(now = new Date()): FakeInstance[] {
  return [1, 2].map((n) => ({
    instanceId: `i-0da4c00000000000${n}`,
    instanceType: 't3.medium',
    imageId: 'ami-0da4c000000000000',
    state: n === 1 ? 'running' : 'stopped',
    privateIpAddress: '127.0.0.1',
    launchTime: now.toISOString(),
    tags: { 'darkroom:role': 'worker', Name: `darkroom-worker-${n}` },
  }));
}

const xml = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const state = (name: StateName): string => `<code>${STATE_CODES[name]}</code><name>${name}</name>`;
const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** Values of indexed query parameters: `list(params, 'InstanceId')` reads InstanceId.1, InstanceId.2, ... */
function list(params: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i++) values.push(params.get(`${prefix}.${i}`) as string);
  return values;
}

function matchesFilter(instance: FakeInstance, name: string, values: string[]): boolean {
  if (name === 'instance-id') return values.includes(instance.instanceId);
  if (name === 'instance-state-name') return values.includes(instance.state);
  if (name === 'tag-key') return values.some((v) => v in instance.tags);
  if (name.startsWith('tag:')) return values.includes(instance.tags[name.slice(4)] ?? '\0');
  return true; // unknown filters are ignored, not rejected
}

function instanceXml(i: FakeInstance): string {
  const tags = Object.entries(i.tags).map(([k, v]) => `<item><key>${xml(k)}</key><value>${xml(v)}</value></item>`).join('');
  return `<item><instanceId>${i.instanceId}</instanceId><imageId>${i.imageId}</imageId><instanceState>${state(i.state)}</instanceState>`
    + `<privateDnsName>ip-127-0-0-1.ec2.internal</privateDnsName><dnsName></dnsName><instanceType>${i.instanceType}</instanceType>`
    + `<launchTime>${i.launchTime}</launchTime><placement><availabilityZone>us-east-1a</availabilityZone></placement>`
    + `<privateIpAddress>${i.privateIpAddress}</privateIpAddress>${i.state === 'running' ? `<ipAddress>${i.privateIpAddress}</ipAddress>` : ''}`
    + `<tagSet>${tags}</tagSet></item>`;
}

class Ec2Error extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Handles one query-protocol request against `instances` (mutated by Start/Stop); returns the XML body. */
export function handleEc2Action(instances: FakeInstance[], params: URLSearchParams): string {
  const action = params.get('Action') ?? '';
  const ids = list(params, 'InstanceId');
  const unknown = ids.filter((id) => !instances.some((i) => i.instanceId === id));
  if (unknown.length) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
  const requestId = `<requestId>${randomUUID()}</requestId>`;
  if (action === 'DescribeInstances') {
    let found = ids.length ? instances.filter((i) => ids.includes(i.instanceId)) : instances;
    for (let n = 1; params.has(`Filter.${n}.Name`); n++) {
      const name = params.get(`Filter.${n}.Name`) as string;
      const values = list(params, `Filter.${n}.Value`);
      found = found.filter((i) => matchesFilter(i, name, values));
    }
    const reservations = found.map((i) => `<item><reservationId>r-${i.instanceId.slice(2)}</reservationId><ownerId>000000000000</ownerId><groupSet/><instancesSet>${instanceXml(i)}</instancesSet></item>`).join('');
    return `<DescribeInstancesResponse xmlns="${NS}">${requestId}<reservationSet>${reservations}</reservationSet></DescribeInstancesResponse>`;
  }
  if (action === 'StartInstances' || action === 'StopInstances') {
    const starting = action === 'StartInstances';
    const items = ids.map((id) => {
      const instance = instances.find((i) => i.instanceId === id) as FakeInstance;
      const previous = instance.state;
      instance.state = starting ? 'running' : 'stopped';
      const current: StateName = previous === instance.state ? previous : starting ? 'pending' : 'stopping';
      return `<item><instanceId>${id}</instanceId><currentState>${state(current)}</currentState><previousState>${state(previous)}</previousState></item>`;
    });
    return `<${action}Response xmlns="${NS}">${requestId}<instancesSet>${items.join('')}</instancesSet></${action}Response>`;
  }
  throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the fake EC2 endpoint on `host:port`, state in `stateFile` (seeded when missing).
 * @throws Error if the port is taken.
 */
export async function startEc2(stateFile: string, host: string, port: number): Promise<Emulator> {
  if (!existsSync(stateFile)) writeFileSync(stateFile, JSON.stringify(seedInstances(), null, 2));
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const instances = JSON.parse(readFileSync(stateFile, 'utf8')) as FakeInstance[];
      try {
        const out = handleEc2Action(instances, new URLSearchParams(body));
        writeFileSync(stateFile, JSON.stringify(instances, null, 2));
        res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' }).end(out);
      } catch (error) {
        const { code, message } = error instanceof Ec2Error ? error : new Ec2Error('InternalError', String(error));
        res.writeHead(400, { 'content-type': 'text/xml;charset=UTF-8' })
          .end(`<Response><Errors><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    endpoint: `http://${host}:${port}`,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
