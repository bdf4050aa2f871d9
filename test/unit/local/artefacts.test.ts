/**
 * Artefact mode's execution environments (scripts/local/artefacts.ts): zips unpacked in Lambda's layout,
 * modules resolved only from the function, its layers and the runtime's SDK stand-in, one process per
 * environment.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { ArtefactRuntime, prepareArtefacts } from '../../../scripts/local/artefacts';
import type { FunctionSpec } from '../../../scripts/manifest';
import { MetricsCollector } from '../../../scripts/local/metrics';
import { lambdaContext } from '../../support/events';

const dist = mkdtempSync(join(tmpdir(), 'darkroom-artefact-dist-'));
let runtime: ArtefactRuntime | undefined;
afterAll(async () => {
  await runtime?.stop();
  rmSync(dist, { recursive: true, force: true });
});

async function zip(file: string, entries: Record<string, string>, modes: Record<string, number> = {}): Promise<void> {
  const archive = new ZipFile();
  for (const [name, text] of Object.entries(entries)) archive.addBuffer(Buffer.from(text), name, modes[name] ? { mode: modes[name] } : {});
  archive.end();
  await new Promise<void>((done) => { archive.outputStream.pipe(createWriteStream(file)).on('close', () => done()); });
}

const spec = (name: string, auth: 'required' | 'none'): FunctionSpec => ({
  name, entry: `functions/x/${name}/handler.ts`, trigger: { type: 'http', method: 'GET', path: `/${name}`, auth }, memory: 256, timeout: 10, env: {}, permissions: [],
});
const fine = spec('fine', 'required');
const leaky = spec('leaky', 'none');

it('runs a function with its layer and the runtime SDK on Lambda\'s NODE_PATH, and nothing from the repository', async () => {
  mkdirSync(join(dist, 'functions'), { recursive: true });
  mkdirSync(join(dist, 'layers'), { recursive: true });
  await zip(join(dist, 'functions', 'fine.zip'), { 'index.js': `
    let calls = 0;
    exports.handler = async (event, context) => ({
      calls: ++calls, layer: require('@darkroom/jwt').name, sdk: typeof require('@aws-sdk/client-sqs').SQSClient,
      nodePath: process.env.NODE_PATH, task: process.env.LAMBDA_TASK_ROOT, fn: context.functionName, echo: event.value,
      left: context.getRemainingTimeInMillis(),
      tool: require('node:child_process').execFileSync('hello').toString().trim(),
      repository: (() => { try { require('luxon'); return 'loaded'; } catch (error) { return error.message; } })(),
    });
    console.log(JSON.stringify({ _aws: { Timestamp: 0, CloudWatchMetrics: [{ Namespace: 'Darkroom', Dimensions: [['service']], Metrics: [{ Name: 'Probes', Unit: 'Count' }] }] }, service: 'x', Probes: 1 }));
  ` });
  await zip(join(dist, 'functions', 'leaky.zip'), { 'index.js': "require('luxon'); exports.handler = async () => 'never';" });
  // A layer executable: found on PATH (Lambda's ends in /opt/bin) and runnable (the zip's 0755 kept).
  await zip(join(dist, 'layers', 'jwt.zip'), {
    'nodejs/node_modules/@darkroom/jwt/index.js': "exports.name = 'from the jwt layer';",
    'bin/hello': '#!/bin/sh\necho hello from the layer\n',
  }, { 'bin/hello': 0o100755 });
  const layout = await prepareArtefacts([fine, leaky], dist);
  const metrics = new MetricsCollector();
  runtime = new ArtefactRuntime({ layout, environmentOf: () => ({}), metrics });

  const first = await runtime.run(fine, { value: 1 }, lambdaContext()) as Record<string, unknown>;
  expect(first).toMatchObject({ calls: 1, layer: 'from the jwt layer', sdk: 'function', task: layout.task(fine), echo: 1, tool: 'hello from the layer' });
  expect(String(first.nodePath).split(':')).toEqual([
    join(layout.opt(fine), 'nodejs/node22/node_modules'), join(layout.opt(fine), 'nodejs/node_modules'),
    join(layout.runtimeDir, 'node_modules'), layout.runtimeDir, layout.task(fine),
  ]);
  expect(first.repository).toMatch(/Cannot find module 'luxon'/);
  expect(first.left).toBeGreaterThan(0);
  // The environment stays warm: module state survives between invocations of one function.
  expect(await runtime.run(fine, { value: 2 }, lambdaContext())).toMatchObject({ calls: 2, echo: 2 });
  expect(metrics.totals()).toEqual({ Probes: 1 });

  await expect(runtime.run(leaky, {}, lambdaContext())).rejects.toThrow(/leaky failed at init: Cannot find module 'luxon'/);
  expect(runtime.coldStarts.get('fine')).toBe(1);
}, 60_000);

it('refuses to start without the built zips', async () => {
  await expect(prepareArtefacts([spec('absent', 'none')], dist)).rejects.toThrow(/artefacts missing \(run npm run build\).*absent\.zip/);
});
