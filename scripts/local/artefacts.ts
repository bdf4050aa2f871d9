/**
 * Artefact mode of the local stack (`npm start -- --artefacts`, or DARKROOM_ARTEFACTS=1): the functions
 * run from the zips `npm run build` writes to dist/, laid out and loaded as Lambda loads them, instead
 * of from the TypeScript sources with the repository's node_modules.
 *
 * Layout, in a fresh directory under the OS temp dir (outside the repository, so Node's upward
 * node_modules lookup can never reach it):
 * - `task/<function>/`   the function's zip unpacked: LAMBDA_TASK_ROOT, Lambda's /var/task;
 * - `opt/<layers>/`      the function's layers unpacked on top of each other, in manifest order: /opt
 *                        (one folder per distinct layer list; layers are read-only, as on Lambda);
 * - `runtime/`           the stand-in for /var/runtime: the bootstrap (artefact-bootstrap.cjs) and
 *                        `node_modules/@aws-sdk/*`, the AWS SDK for JavaScript v3 that nodejs22.x ships
 *                        there ("Runtime-included SDK versions",
 *                        https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). The stand-in
 *                        holds the lockfile's SDK packages (and what they depend on), hard-linked; the
 *                        runtime's own version is older and changes without notice, which is why no
 *                        Darkroom artefact relies on it: functions bundle their SDK and the jwt layer
 *                        uses none (layers/jwt/src/revocations.ts).
 *
 * Each function runs in its own child processes (execution environments), started on first use (the
 * cold start) with only its own environment (manifest + Lambda's variables), NODE_PATH as Lambda's
 * bootstrap sets it, and a resolver guard that fails any module found outside the artefact. An
 * environment handles one invocation at a time; concurrent invocations start more, up to
 * `maxEnvironments` per function, as Lambda scales out. A timed-out environment is discarded.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Context } from 'aws-lambda';
import yauzl from 'yauzl';
import { layersOf, ROOT, type FunctionSpec } from '../manifest';
import { useRuntime, type FunctionRuntime } from './lambda';
import type { MetricsCollector } from './metrics';

/** Lambda's NODE_PATH for nodejs22.x (the runtime's bootstrap script), with the folders replaced by the layout's. */
export function lambdaNodePath(opt: string, runtimeDir: string, task: string): string {
  return [join(opt, 'nodejs/node22/node_modules'), join(opt, 'nodejs/node_modules'), join(runtimeDir, 'node_modules'), runtimeDir, task].join(':');
}

/** Unpacks `zipFile` into `dir`, keeping each entry's Unix mode. @throws Error for an entry that would land outside `dir` */
export async function unzipTo(zipFile: string, dir: string): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((done, fail) => yauzl.open(zipFile, { lazyEntries: true }, (error, z) => (error ? fail(error) : done(z))));
  await new Promise<void>((done, fail) => {
    zip.on('error', fail).on('end', done).on('entry', (entry: yauzl.Entry) => {
      const target = join(dir, entry.fileName);
      if (!target.startsWith(dir)) return fail(new Error(`${zipFile}: entry ${entry.fileName} leaves the folder`));
      if (entry.fileName.endsWith('/')) { mkdirSync(target, { recursive: true }); return zip.readEntry(); }
      mkdirSync(dirname(target), { recursive: true });
      zip.openReadStream(entry, (error, stream) => {
        if (error) return fail(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', fail).on('end', () => {
          // Lambda keeps the Unix mode the zip records (the ffmpeg layer's bin/ffmpeg is 0755).
          const mode = (entry.externalFileAttributes >>> 16) & 0o777;
          writeFileSync(target, Buffer.concat(chunks), mode ? { mode } : {});
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

/** Hard-links (or, across file systems, copies) a directory tree. */
function linkTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) linkTree(from, to);
    else if (entry.isFile() || (entry.isSymbolicLink() && statSync(from).isFile())) {
      try { linkSync(from, to); } catch { copyFileSync(from, to); }
    }
  }
}

/**
 * The runtime SDK stand-in: every `@aws-sdk/*` package of the repository's node_modules and the
 * packages they depend on (their own nested node_modules travel with them), under `target/node_modules`.
 * @returns the package names it holds
 */
export function runtimeSdkStandIn(target: string, modules = join(ROOT, 'node_modules')): string[] {
  const wanted = readdirSync(join(modules, '@aws-sdk')).map((name) => `@aws-sdk/${name}`);
  const seen = new Set<string>();
  while (wanted.length) {
    const name = wanted.pop()!;
    if (seen.has(name) || !existsSync(join(modules, name, 'package.json'))) continue;
    seen.add(name);
    const manifest = JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    wanted.push(...Object.keys(manifest.dependencies ?? {}));
  }
  for (const name of seen) linkTree(join(modules, name), join(target, 'node_modules', name));
  return [...seen].sort();
}

/** Where the artefacts of a set of functions were unpacked. */
export interface ArtefactLayout {
  root: string;
  runtimeDir: string;
  bootstrap: string;
  task(fn: FunctionSpec): string;
  opt(fn: FunctionSpec): string;
}

/**
 * Unpacks each function's zip and its layers from `dist` into a fresh layout (see the module comment).
 * @throws Error naming the missing zips when `dist` lacks one (run `npm run build`)
 */
export async function prepareArtefacts(functions: FunctionSpec[], dist = join(ROOT, 'dist'), root = mkdtempSync(join(tmpdir(), 'darkroom-artefacts-'))): Promise<ArtefactLayout> {
  const zipOf = (fn: FunctionSpec) => join(dist, 'functions', `${fn.name}.zip`);
  const layerZip = (layer: string) => join(dist, 'layers', `${layer}.zip`);
  const missing = [...functions.map(zipOf), ...new Set(functions.flatMap(layersOf).map(layerZip))].filter((file) => !existsSync(file));
  if (missing.length) throw new Error(`artefacts missing (run npm run build): ${missing.join(', ')}`);
  const runtimeDir = join(root, 'runtime');
  mkdirSync(runtimeDir, { recursive: true });
  const bootstrap = join(runtimeDir, 'bootstrap.cjs');
  copyFileSync(join(__dirname, 'artefact-bootstrap.cjs'), bootstrap);
  runtimeSdkStandIn(runtimeDir);
  const optName = (fn: FunctionSpec) => layersOf(fn).join('+') || 'none';
  const opts = new Map<string, string[]>(functions.map((fn) => [optName(fn), layersOf(fn)]));
  for (const [name, layers] of opts) {
    const dir = join(root, 'opt', name);
    mkdirSync(dir, { recursive: true });
    for (const layer of layers) await unzipTo(layerZip(layer), dir);
  }
  for (const fn of functions) await unzipTo(zipOf(fn), join(root, 'task', fn.name));
  return { root, runtimeDir, bootstrap, task: (fn) => join(root, 'task', fn.name), opt: (fn) => join(root, 'opt', optName(fn)) };
}

/**
 * The environment of one function's execution environment: `env` (its manifest variables, resolved)
 * plus what Lambda sets: NODE_PATH (see {@link lambdaNodePath}), LAMBDA_TASK_ROOT, the function's
 * name, memory and version, AWS_EXECUTION_ENV, AWS_LAMBDA_INITIALIZATION_TYPE, TZ. Nothing else of
 * this process's environment leaks in but PATH (with the layers' bin/ appended, as Lambda's ends in /opt/bin).
 */
export function artefactEnvironment(fn: FunctionSpec, layout: ArtefactLayout, env: Record<string, string>): Record<string, string> {
  const task = layout.task(fn);
  const opt = layout.opt(fn);
  return {
    ...env,
    // Lambda's PATH ends in /opt/bin, where layers put executables (the ffmpeg layer's bin/ffmpeg).
    PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:${join(opt, 'bin')}`,
    NODE_PATH: lambdaNodePath(opt, layout.runtimeDir, task),
    NODE_OPTIONS: '',
    LAMBDA_TASK_ROOT: task,
    LAMBDA_RUNTIME_DIR: layout.runtimeDir,
    DARKROOM_ARTEFACT_ROOTS: [task, opt, layout.runtimeDir].join(':'),
    _HANDLER: 'index.handler',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: `darkroom-${fn.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memory),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/darkroom-${fn.name}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    TZ: ':UTC',
  };
}

interface Pending { resolve(value: unknown): void; reject(error: Error): void }

/** One execution environment: a child process running one function's artefact. */
class Environment {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy?: string;
  private readonly pending = new Map<string, Pending>();
  exited = false;

  constructor(fn: FunctionSpec, layout: ArtefactLayout, env: Record<string, string>, onLine: (line: string, stream: 'stdout' | 'stderr') => void) {
    this.child = fork(layout.bootstrap, [], {
      cwd: layout.task(fn),
      // Lambda's bootstrap caps the heap below the function's memory.
      execArgv: [`--max-old-space-size=${Math.max(64, Math.floor(fn.memory * 0.9))}`, '--enable-source-maps'],
      env: artefactEnvironment(fn, layout, env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.child[stream]! }).on('line', (line) => onLine(line, stream));
    }
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.on('message', (message: { type: string; id?: string; result?: unknown; error?: { name: string; message: string; stack?: string; recordErrors?: unknown[] } }) => {
        if (message.type === 'ready') return resolve();
        if (message.type === 'init-error') return reject(Object.assign(new Error(`${fn.name} failed at init: ${message.error!.message}`), { name: message.error!.name }));
        const waiting = message.id ? this.pending.get(message.id) : undefined;
        if (!waiting) return;
        this.pending.delete(message.id!);
        if (message.type === 'result') waiting.resolve(message.result);
        else waiting.reject(Object.assign(new Error(message.error!.message), { name: message.error!.name, stack: message.error!.stack, recordErrors: message.error!.recordErrors }));
      });
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        const error = new Error(`${fn.name}: execution environment exited (${signal ?? `code ${code}`})`);
        reject(error);
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
      });
    });
    this.ready.catch(() => undefined);
  }

  async run(event: unknown, context: Context): Promise<unknown> {
    await this.ready;
    const { getRemainingTimeInMillis, done: _done, fail: _fail, succeed: _succeed, ...fields } = context;
    return new Promise((resolve, reject) => {
      this.pending.set(context.awsRequestId, { resolve, reject });
      this.child.send({ type: 'invoke', id: context.awsRequestId, event, context: { ...fields, deadline: Date.now() + getRemainingTimeInMillis() } });
    });
  }

  stop(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** Options of {@link ArtefactRuntime}. */
export interface ArtefactRuntimeOptions {
  layout: ArtefactLayout;
  /** The environment one function's process gets (its manifest variables, resolved, and the stack's). */
  environmentOf(fn: FunctionSpec): Record<string, string>;
  /** Receives the EMF lines of the functions' output; other lines go to `log`. */
  metrics?: MetricsCollector;
  log?: (line: string) => void;
  /** Execution environments per function at most (default 4); more concurrent invocations wait. */
  maxEnvironments?: number;
}

/** Runs invocations in per-function child processes from the unpacked artefacts; see the module comment. */
export class ArtefactRuntime implements FunctionRuntime {
  private readonly environments = new Map<string, Environment[]>();
  private readonly waiting = new Map<string, Array<() => void>>();
  private stopped = false;

  constructor(private readonly options: ArtefactRuntimeOptions) {}

  /** How many execution environments have been started per function (cold starts). */
  readonly coldStarts = new Map<string, number>();

  private spawn(fn: FunctionSpec): Environment {
    const log = this.options.log ?? (() => undefined);
    const environment = new Environment(fn, this.options.layout, this.options.environmentOf(fn), (line) => {
      if (!this.options.metrics?.ingest(line)) log(`[${fn.name}] ${line}`);
    });
    this.coldStarts.set(fn.name, (this.coldStarts.get(fn.name) ?? 0) + 1);
    return environment;
  }

  private async acquire(fn: FunctionSpec, requestId: string): Promise<Environment> {
    for (;;) {
      if (this.stopped) throw new Error('the artefact runtime is stopped');
      const list = (this.environments.get(fn.name) ?? []).filter((e) => !e.exited);
      this.environments.set(fn.name, list);
      const idle = list.find((e) => !e.busy);
      if (idle) { idle.busy = requestId; return idle; }
      if (list.length < (this.options.maxEnvironments ?? 4)) {
        const created = this.spawn(fn);
        created.busy = requestId;
        list.push(created);
        return created;
      }
      await new Promise<void>((wake) => this.waiting.set(fn.name, [...(this.waiting.get(fn.name) ?? []), wake]));
    }
  }

  private release(fn: FunctionSpec, environment: Environment): void {
    environment.busy = undefined;
    const queue = this.waiting.get(fn.name);
    queue?.shift()?.();
  }

  async run(fn: FunctionSpec, event: unknown, context: Context): Promise<unknown> {
    const environment = await this.acquire(fn, context.awsRequestId);
    try {
      return await environment.run(event, context);
    } finally {
      this.release(fn, environment);
    }
  }

  timedOut(fn: FunctionSpec, requestId: string): void {
    const environment = this.environments.get(fn.name)?.find((e) => e.busy === requestId);
    environment?.stop();
  }

  /** Kills every execution environment and removes the layout. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.environments.values()].flat();
    await Promise.all(all.map((environment) => new Promise<void>((done) => {
      if (environment.exited) return done();
      environment.child.once('exit', () => done());
      environment.stop();
    })));
    for (const wake of [...this.waiting.values()].flat()) wake();
    rmSync(this.options.layout.root, { recursive: true, force: true });
  }
}

/** How many lines of a failed build's output its error quotes. */
const BUILD_OUTPUT_TAIL = 40;

/**
 * Runs `npm run build [-- args]` (scripts/build/build.ts; `script` replaces it) in a child process, printing its
 * progress lines as they come (`[n/total] <function> <size>`), and kills it if this process exits first.
 * @throws Error naming the exit code or signal and quoting the end of the build's stderr (or, when it
 *   wrote none, of its stdout), or saying it printed nothing
 */
export async function buildArtefacts(print: (line: string) => void = (line) => console.log(line), script = join(ROOT, 'scripts/build/build.ts'), args: string[] = []): Promise<void> {
  print(`building the zips (npm run build${args.length ? ` -- ${args.join(' ')}` : ''}; a full build takes a few minutes on a 2-core machine)`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killBuild = () => child.kill('SIGTERM');
  process.once('exit', killBuild);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const keep = (lines: string[], line: string) => { lines.push(line); if (lines.length > BUILD_OUTPUT_TAIL) lines.shift(); };
  createInterface({ input: child.stdout! }).on('line', (line) => { keep(stdout, line); print(`  build: ${line}`); });
  createInterface({ input: child.stderr! }).on('line', (line) => keep(stderr, line));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', fail);
    child.once('close', (exitCode, exitSignal) => done([exitCode, exitSignal]));
  });
  process.removeListener('exit', killBuild);
  if (code === 0) return;
  const how = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}` : `exited with code ${code}`;
  const output = stderr.length ? `stderr:\n${stderr.join('\n')}` : stdout.length ? `no stderr; stdout ended:\n${stdout.join('\n')}` : 'it printed nothing';
  throw new Error(`npm run build ${how}; ${output}`);
}

/** True when the stack should run the artefacts: `--artefacts` on the command line, or DARKROOM_ARTEFACTS=1. */
export const artefactModeRequested = (argv = process.argv, env = process.env): boolean =>
  argv.includes('--artefacts') || env.DARKROOM_ARTEFACTS === '1';

/**
 * Builds the zips (`npm run build`, into dist/) unless DARKROOM_ARTEFACTS_NO_BUILD=1 (dist/ as it is),
 * unpacks them (prepareArtefacts) and sends every invocation of the local stack to an
 * {@link ArtefactRuntime} (lambda.ts useRuntime).
 * @returns the runtime; `stop()` it before the emulators
 * @throws Error when the build fails or an artefact is missing
 */
export async function startArtefactMode(functions: FunctionSpec[], options: Omit<ArtefactRuntimeOptions, 'layout'> & { dist?: string }): Promise<ArtefactRuntime> {
  const dist = options.dist ?? join(ROOT, 'dist');
  if (process.env.DARKROOM_ARTEFACTS_NO_BUILD !== '1') {
    console.log('artefact mode: building dist/ first (DARKROOM_ARTEFACTS_NO_BUILD=1 takes it as it is)');
    await buildArtefacts();
  }
  const runtime = new ArtefactRuntime({ ...options, layout: await prepareArtefacts(functions, dist) });
  useRuntime(runtime);
  return runtime;
}
