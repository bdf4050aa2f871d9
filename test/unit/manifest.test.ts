import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { attemptOf } from '@darkroom/runtime';
import { functionEnvironment, loadManifest, maxReceiveCountVariable, parseRate, parseReference, ROOT } from '../../scripts/manifest';

const manifest = loadManifest();
const handlerFolders = readdirSync(join(ROOT, 'functions'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((service) => readdirSync(join(ROOT, 'functions', service.name), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'functions', service.name, d.name, 'handler.ts')))
    .map((d) => `functions/${service.name}/${d.name}/handler.ts`));

describe('functions/manifest.json', () => {
  it('names every function once', () => {
    const names = manifest.functions.map((fn) => fn.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(manifest.functions.map((fn) => [fn.name, fn.entry]))('%s has its handler file', (_, entry) => {
    expect(existsSync(join(ROOT, entry))).toBe(true);
  });

  it('has an entry for every handler folder', () => {
    const entries = new Set(manifest.functions.map((fn) => fn.entry));
    expect(handlerFolders.filter((path) => !entries.has(path))).toEqual([]);
  });

  it('gives one route per method and path', () => {
    const routes = manifest.functions.flatMap((fn) => fn.trigger.type === 'http' ? [`${fn.trigger.method} ${fn.trigger.path}`] : []);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('refers only to resources it declares', () => {
    const declared = new Set([
      ...Object.keys(manifest.resources.tables).map((n) => `table:${n}`),
      ...Object.keys(manifest.resources.buckets).map((n) => `bucket:${n}`),
      ...Object.keys(manifest.resources.queues).map((n) => `queue:${n}`),
      ...Object.keys(manifest.resources.userPools).map((n) => `userpool:${n}`),
      ...Object.keys(manifest.resources.userPools).map((n) => `userpool_domain:${n}`),
      ...Object.keys(manifest.resources.websockets ?? {}).filter((n) => !n.startsWith('$')).map((n) => `websocket:${n}`),
    ]);
    const refs = manifest.functions.flatMap((fn) => [...Object.values(fn.env), ...fn.permissions.map((p) => p.resource)])
      .filter((value) => parseReference(value) && !/^(var|ses):/.test(value));
    expect(refs.filter((ref) => !declared.has(ref))).toEqual([]);
    for (const fn of manifest.functions) {
      if (fn.trigger.type === 'sqs') expect(manifest.resources.queues[fn.trigger.queue]).toBeDefined();
      if (fn.trigger.type === 'websocket') expect(manifest.resources.websockets?.[fn.trigger.api]).toBeDefined();
    }
  });

  it('gives each environment variable one meaning across functions (the local stack runs them in one process)', () => {
    const meaning = new Map<string, string>();
    const clashes: string[] = [];
    for (const fn of manifest.functions) {
      for (const [name, value] of Object.entries(functionEnvironment(fn, (ref) => ref))) {
        if (name === 'POWERTOOLS_SERVICE_NAME') continue;
        if (meaning.has(name) && meaning.get(name) !== value) clashes.push(`${name}: ${meaning.get(name)} vs ${value}`);
        meaning.set(name, value);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('tells every queue worker its queue\'s maxReceiveCount, by convention and never by hand (<QUEUE>_MAX_RECEIVE_COUNT)', () => {
    for (const fn of manifest.functions) {
      expect([fn.name, Object.keys(fn.env).filter((name) => name.endsWith('_MAX_RECEIVE_COUNT'))]).toEqual([fn.name, []]);
      if (fn.trigger.type !== 'sqs') continue;
      const env = functionEnvironment(fn, (ref) => ref);
      expect([fn.name, Number(env[maxReceiveCountVariable(fn.trigger.queue)])]).toEqual([fn.name, manifest.resources.queues[fn.trigger.queue]!.maxReceiveCount]);
      // What the runtime's queueHandler derives from the queue's ARN.
      const record = { eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:darkroom-prod-${fn.trigger.queue}`, attributes: { ApproximateReceiveCount: '1' } };
      const saved = { ...process.env };
      try {
        Object.assign(process.env, env);
        expect(attemptOf(record as never)).toEqual({ number: 1, max: manifest.resources.queues[fn.trigger.queue]!.maxReceiveCount, last: manifest.resources.queues[fn.trigger.queue]!.maxReceiveCount === 1 });
      } finally {
        process.env = saved;
      }
    }
  });

  it('sets visibility timeouts of at least 6x the consuming function timeout (AWS guidance for SQS event sources)', () => {
    for (const fn of manifest.functions) {
      if (fn.trigger.type !== 'sqs') continue;
      expect(manifest.resources.queues[fn.trigger.queue]!.visibilityTimeout).toBeGreaterThanOrEqual(6 * fn.timeout);
    }
  });
});

describe('schedule triggers', () => {
  it('gives every scheduled function an EventBridge rate expression', () => {
    for (const fn of manifest.functions) {
      if (fn.trigger.type === 'schedule') expect([fn.name, parseRate(fn.trigger.rate)]).toEqual([fn.name, expect.any(Number)]);
    }
  });

  it.each([
    ['rate(5 minutes)', 300], ['rate(1 minute)', 60], ['rate(1 hour)', 3600], ['rate(12 hours)', 43_200], ['rate(1 day)', 86_400], ['rate(7 days)', 604_800],
  ])('parseRate(%s) = %d s', (rate, seconds) => {
    expect(parseRate(rate)).toBe(seconds);
  });

  it.each(['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(05 minutes)', 'rate(5 seconds)', 'cron(0 12 * * ? *)', '5 minutes'])(
    'parseRate(%s) refuses what EventBridge refuses', (rate) => {
      expect(() => parseRate(rate)).toThrow(/not an EventBridge rate expression/);
    });
});
