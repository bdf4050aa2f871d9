/**
 * Static checks of the Terraform configuration under `terraform/`: the offline stand-in for
 * `terraform validate` (no provider plugin can be downloaded on our machines).
 *
 * Every `.tf` file is parsed with `@cdktf/hcl2json` (HashiCorp's HCL parser compiled to wasm) and
 * its references are extracted with the same library. The checks then compare declarations with
 * uses (variables, locals, resources, module inputs and outputs), resource bodies with the AWS
 * provider schema, and the root module with `functions/manifest.json`.
 *
 * Every check returns {@link Finding}s instead of throwing, so a test can assert both that the real
 * configuration has none and that a deliberately broken snippet has the expected one.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, resolve, basename } from 'node:path';
import { parse, getReferencesInExpression } from '@cdktf/hcl2json';
import { RATE_EXPRESSION } from '../manifest';

// ------------------------------------------------------------------------------------------------
// Types
// ------------------------------------------------------------------------------------------------

/** The name of a check; each finding says which check produced it. */
export type CheckName =
  | 'parse'
  | 'schema'
  | 'variables'
  | 'locals'
  | 'resources'
  | 'module-inputs'
  | 'module-outputs'
  | 'backend'
  | 'versions'
  | 'variable-docs'
  | 'manifest'
  | 'monitoring';

/** One problem found in the configuration. */
export interface Finding {
  check: CheckName;
  /** Module directory (or a label for in-memory modules). */
  module: string;
  /** File name inside the module, when the problem has one. */
  file?: string;
  message: string;
}

/** An HCL body as `@cdktf/hcl2json` returns it: blocks are arrays of bodies, expressions `${...}` strings. */
export type HclBody = Record<string, unknown>;

/** One parsed `.tf` file. */
export interface ParsedFile {
  file: string;
  body: HclBody;
}

/** A reference found in an expression, with where it was found. */
export interface FoundReference {
  /** Dotted traversal as hcl2json reports it, e.g. `module.auth.client_id`, `aws_iam_role.this."a".arn`. */
  value: string;
  file: string;
  /** Address of the block the expression belongs to, e.g. `resource.aws_iam_role.this`. */
  within: string;
}

/** A Terraform module: its parsed files and references. */
export interface ModuleConfig {
  /** Directory of the module (or a label for in-memory modules). */
  dir: string;
  files: ParsedFile[];
  references: FoundReference[];
  /** Files that did not parse. */
  parseErrors: Finding[];
}

/** Settable arguments of one resource type or nested block, as in the shipped schema file. */
export interface SchemaBlock {
  attrs: Record<string, { required: boolean; type: string }>;
  blocks: Record<string, SchemaBlock & { required: boolean; list: boolean }>;
}

/** The AWS provider schema (test/terraform/aws-provider-6.66.0-schema.json.gz). */
export interface ProviderSchema {
  provider: string;
  version: string;
  resource: Record<string, SchemaBlock>;
  data: Record<string, SchemaBlock>;
}

/** Resolves a module call's `source` (relative to the calling module) to the called module. */
export type ModuleResolver = (caller: ModuleConfig, source: string) => ModuleConfig | undefined;

// ------------------------------------------------------------------------------------------------
// Loading
// ------------------------------------------------------------------------------------------------

/**
 * Loads the provider schema shipped with the tests.
 * @param path - path of the gzipped JSON schema file
 * @returns the parsed schema
 */
export function loadSchema(path: string): ProviderSchema {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as ProviderSchema;
}

/**
 * Parses `.tf` sources held in memory into a module (used by the tests for small snippets).
 * @param label - name of the module in findings
 * @param sources - file name to HCL text
 * @returns the module, with parse errors recorded rather than thrown
 */
export async function parseModule(label: string, sources: Record<string, string>): Promise<ModuleConfig> {
  const files: ParsedFile[] = [];
  const parseErrors: Finding[] = [];
  for (const [file, text] of Object.entries(sources)) {
    try {
      files.push({ file, body: (await parse(file, text)) as HclBody });
    } catch (error) {
      parseErrors.push({ check: 'parse', module: label, file, message: (error as Error).message });
    }
  }
  const references: FoundReference[] = [];
  for (const { file, body } of files) {
    for (const [within, expression] of expressionsOf(body)) {
      for (const ref of await referencesIn(file, expression)) references.push({ value: ref, file, within });
    }
  }
  return { dir: label, files, references, parseErrors };
}

/**
 * Reads and parses every `.tf` file of a directory (not recursive).
 * @param dir - module directory
 * @returns the module
 */
export async function loadModule(dir: string): Promise<ModuleConfig> {
  const sources: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.tf')) sources[name] = readFileSync(join(dir, name), 'utf8');
  }
  const module = await parseModule(dir, sources);
  return module;
}

/**
 * A resolver for modules on disk, caching each loaded module; unknown (registry, git) sources
 * resolve to undefined.
 * @param modules - already loaded modules keyed by absolute directory
 * @returns the resolver
 */
export function diskResolver(modules: Map<string, ModuleConfig>): ModuleResolver {
  return (caller, source) =>
    source.startsWith('./') || source.startsWith('../') ? modules.get(resolve(caller.dir, source)) : undefined;
}

async function referencesIn(file: string, expression: string): Promise<string[]> {
  if (!expression.includes('${') && !expression.includes('%{')) return [];
  const refs = await getReferencesInExpression(file, expression);
  return refs.map((r) => r.value);
}

/** Every string of a body with the address of the top-level block it sits in. */
function* expressionsOf(body: HclBody): Generator<[string, string]> {
  for (const [kind, value] of Object.entries(body)) {
    if (kind === 'resource' || kind === 'data') {
      for (const [type, named] of entries(value)) {
        for (const [name, bodies] of entries(named)) yield* stringsIn(bodies, `${kind}.${type}.${name}`);
      }
    } else if (kind === 'module' || kind === 'variable' || kind === 'output') {
      for (const [name, bodies] of entries(value)) yield* stringsIn(bodies, `${kind}.${name}`);
    } else {
      yield* stringsIn(value, kind);
    }
  }
}

function* stringsIn(value: unknown, within: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [within, value];
  else if (Array.isArray(value)) for (const v of value) yield* stringsIn(v, within);
  else if (isObject(value)) for (const v of Object.values(value)) yield* stringsIn(v, within);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(value: unknown): [string, unknown][] {
  return isObject(value) ? Object.entries(value) : [];
}

/** The bodies of all blocks of a kind (`variable`, `output`, `module`) by name, over all files. */
function namedBlocks(module: ModuleConfig, kind: string): { name: string; file: string; body: HclBody }[] {
  const out: { name: string; file: string; body: HclBody }[] = [];
  for (const { file, body } of module.files) {
    for (const [name, bodies] of entries(body[kind])) {
      for (const b of Array.isArray(bodies) ? bodies : [bodies]) if (isObject(b)) out.push({ name, file, body: b });
    }
  }
  return out;
}

/** All `resource` or `data` blocks: type, name, file, body. */
function resourceBlocks(
  module: ModuleConfig,
  kind: 'resource' | 'data',
): { type: string; name: string; file: string; body: HclBody }[] {
  const out: { type: string; name: string; file: string; body: HclBody }[] = [];
  for (const { file, body } of module.files) {
    for (const [type, named] of entries(body[kind])) {
      for (const [name, bodies] of entries(named)) {
        for (const b of Array.isArray(bodies) ? bodies : [bodies]) if (isObject(b)) out.push({ type, name, file, body: b });
      }
    }
  }
  return out;
}

/** Local value names to their expression, over all `locals` blocks. */
function localValues(module: ModuleConfig): Map<string, { file: string; value: unknown }> {
  const out = new Map<string, { file: string; value: unknown }>();
  for (const { file, body } of module.files) {
    const blocks = body['locals'];
    for (const b of Array.isArray(blocks) ? blocks : []) {
      for (const [name, value] of entries(b)) out.set(name, { file, value });
    }
  }
  return out;
}

function terraformBlocks(module: ModuleConfig): { file: string; body: HclBody }[] {
  const out: { file: string; body: HclBody }[] = [];
  for (const { file, body } of module.files) {
    const blocks = body['terraform'];
    for (const b of Array.isArray(blocks) ? blocks : []) if (isObject(b)) out.push({ file, body: b });
  }
  return out;
}

/** Strips the `${` `}` wrapper hcl2json puts around a pure expression. */
function unwrap(expression: unknown): string {
  if (typeof expression !== 'string') return '';
  const m = /^\$\{([\s\S]*)\}$/.exec(expression);
  return (m ? m[1] : expression)!.trim();
}

// ------------------------------------------------------------------------------------------------
// Checks
// ------------------------------------------------------------------------------------------------

const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);

/**
 * Checks every `aws_*` resource and data source against the provider schema: the type exists, every
 * argument and nested block it sets is known (including `dynamic` blocks' content), and every
 * required argument and block is present.
 * @param module - the module to check
 * @param schema - the AWS provider schema
 * @returns findings of check `schema`
 */
export function checkSchema(module: ModuleConfig, schema: ProviderSchema): Finding[] {
  const findings: Finding[] = [];
  for (const kind of ['resource', 'data'] as const) {
    for (const { type, name, file, body } of resourceBlocks(module, kind)) {
      if (!type.startsWith('aws_')) continue;
      const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
      const typeSchema = (kind === 'resource' ? schema.resource : schema.data)[type];
      if (!typeSchema) {
        findings.push({ check: 'schema', module: module.dir, file, message: `${address}: unknown ${kind} type ${type}` });
        continue;
      }
      checkBody(body, typeSchema, address, true, (message) =>
        findings.push({ check: 'schema', module: module.dir, file, message }),
      );
    }
  }
  return findings;
}

function checkBody(
  body: HclBody,
  schema: SchemaBlock,
  path: string,
  topLevel: boolean,
  report: (message: string) => void,
): void {
  for (const [key, value] of Object.entries(body)) {
    if (topLevel && META_ARGUMENTS.has(key)) continue;
    if (key === 'dynamic') {
      for (const [label, dynamics] of entries(value)) {
        const blockSchema = schema.blocks[label];
        if (!blockSchema) {
          report(`${path}: unknown block "${label}" (dynamic)`);
          continue;
        }
        for (const d of Array.isArray(dynamics) ? dynamics : []) {
          if (!isObject(d)) continue;
          if (!('for_each' in d)) report(`${path}.dynamic.${label}: missing for_each`);
          const content = d['content'];
          const contents = Array.isArray(content) ? content : [];
          if (contents.length === 0) report(`${path}.dynamic.${label}: missing content block`);
          for (const c of contents) if (isObject(c)) checkBody(c, blockSchema, `${path}.${label}`, false, report);
        }
      }
      continue;
    }
    if (key in schema.attrs) continue;
    const blockSchema = schema.blocks[key];
    if (blockSchema) {
      const bodies = Array.isArray(value) ? value : [value];
      if (!blockSchema.list && bodies.length > 1) report(`${path}: block "${key}" may appear only once`);
      for (const b of bodies) {
        if (isObject(b)) checkBody(b, blockSchema, `${path}.${key}`, false, report);
        else report(`${path}: "${key}" is a block, not an argument`);
      }
      continue;
    }
    report(`${path}: unknown argument "${key}"`);
  }
  const dynamicLabels = new Set(Object.keys(isObject(body['dynamic']) ? body['dynamic'] : {}));
  for (const [name, attr] of Object.entries(schema.attrs)) {
    if (attr.required && !(name in body)) report(`${path}: missing required argument "${name}"`);
  }
  for (const [name, block] of Object.entries(schema.blocks)) {
    if (block.required && !(name in body) && !dynamicLabels.has(name)) report(`${path}: missing required block "${name}"`);
  }
}

/**
 * Checks that every `var.x` used in the module is declared by a `variable "x"` block.
 * @param module - the module to check
 * @returns findings of check `variables`
 */
export function checkVariableReferences(module: ModuleConfig): Finding[] {
  const declared = new Set(namedBlocks(module, 'variable').map((v) => v.name));
  return module.references
    .filter((r) => r.value.startsWith('var.'))
    .filter((r) => !declared.has(r.value.split('.')[1]!))
    .map((r) => ({
      check: 'variables' as const,
      module: module.dir,
      file: r.file,
      message: `${r.within}: var.${r.value.split('.')[1]} is not declared`,
    }));
}

/**
 * Checks that every `local.x` used in the module is defined in a `locals` block.
 * @param module - the module to check
 * @returns findings of check `locals`
 */
export function checkLocalReferences(module: ModuleConfig): Finding[] {
  const defined = localValues(module);
  return module.references
    .filter((r) => r.value.startsWith('local.'))
    .filter((r) => !defined.has(r.value.split('.')[1]!))
    .map((r) => ({
      check: 'locals' as const,
      module: module.dir,
      file: r.file,
      message: `${r.within}: local.${r.value.split('.')[1]} is not defined`,
    }));
}

/**
 * Checks that every resource reference (`aws_x.name...`, `data.aws_x.name...`) names a resource or
 * data source declared in the module, and that no address is declared twice.
 * @param module - the module to check
 * @returns findings of check `resources`
 */
export function checkResourceReferences(module: ModuleConfig): Finding[] {
  const findings: Finding[] = [];
  const declared = new Map<string, string>();
  for (const kind of ['resource', 'data'] as const) {
    for (const { type, name, file } of resourceBlocks(module, kind)) {
      const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
      if (declared.has(address)) {
        findings.push({ check: 'resources', module: module.dir, file, message: `${address} is declared twice` });
      }
      declared.set(address, file);
    }
  }
  for (const r of module.references) {
    const parts = r.value.split('.');
    let address: string | undefined;
    if (parts[0] === 'data' && parts.length >= 3) address = parts.slice(0, 3).join('.');
    else if (/^aws_[a-z0-9_]+$/.test(parts[0]!) && parts.length >= 2) address = parts.slice(0, 2).join('.');
    if (address && !declared.has(address)) {
      findings.push({ check: 'resources', module: module.dir, file: r.file, message: `${r.within}: ${address} is not declared` });
    }
  }
  return findings;
}

/**
 * Checks every call of a local module: the called module exists, every variable without a default
 * is passed, and no argument names a variable the module does not declare.
 * @param module - the calling module
 * @param resolve - finds the called module from its source
 * @returns findings of check `module-inputs`
 */
export function checkModuleCalls(module: ModuleConfig, resolve: ModuleResolver): Finding[] {
  const findings: Finding[] = [];
  const meta = new Set(['source', 'version', 'count', 'for_each', 'depends_on', 'providers']);
  for (const { name, file, body } of namedBlocks(module, 'module')) {
    const source = body['source'];
    const report = (message: string): void => {
      findings.push({ check: 'module-inputs', module: module.dir, file, message: `module.${name}: ${message}` });
    };
    if (typeof source !== 'string') {
      report('missing source');
      continue;
    }
    if (!source.startsWith('./') && !source.startsWith('../')) continue;
    const child = resolve(module, source);
    if (!child) {
      report(`source ${source} not found`);
      continue;
    }
    const variables = new Map(namedBlocks(child, 'variable').map((v) => [v.name, v.body]));
    for (const arg of Object.keys(body)) {
      if (!meta.has(arg) && !variables.has(arg)) report(`passes "${arg}", which ${source} does not declare`);
    }
    for (const [variable, declaration] of variables) {
      if (!('default' in declaration) && !(variable in body)) report(`does not pass required variable "${variable}"`);
    }
  }
  return findings;
}

/**
 * Checks that every `module.x.y` reference names a module call of this module and an output `y`
 * that the called module declares.
 * @param module - the calling module
 * @param resolve - finds the called module from its source
 * @returns findings of check `module-outputs`
 */
export function checkModuleOutputs(module: ModuleConfig, resolve: ModuleResolver): Finding[] {
  const findings: Finding[] = [];
  const calls = new Map(namedBlocks(module, 'module').map((m) => [m.name, m.body]));
  for (const r of module.references.filter((x) => x.value.startsWith('module.'))) {
    const [, callName, output] = r.value.split('.');
    const report = (message: string): void => {
      findings.push({ check: 'module-outputs', module: module.dir, file: r.file, message: `${r.within}: ${message}` });
    };
    const call = calls.get(callName!);
    if (!call) {
      report(`module.${callName} is not declared`);
      continue;
    }
    if (output === undefined) continue;
    const source = call['source'];
    const child = typeof source === 'string' ? resolve(module, source) : undefined;
    if (!child) continue; // reported by checkModuleCalls
    const outputs = new Set(namedBlocks(child, 'output').map((o) => o.name));
    if (!outputs.has(output.replace(/^"|"$/g, ''))) report(`module.${callName} has no output "${output}"`);
  }
  return findings;
}

/**
 * Checks that the root module's backend is S3 with S3-native locking and encryption
 * (`use_lockfile = true`, `encrypt = true`) and uses no DynamoDB lock table.
 * @param root - the root module
 * @returns findings of check `backend`
 */
export function checkBackend(root: ModuleConfig): Finding[] {
  const findings: Finding[] = [];
  const report = (message: string, file?: string): void => {
    findings.push({ check: 'backend', module: root.dir, ...(file ? { file } : {}), message });
  };
  const backends = terraformBlocks(root).flatMap(({ file, body }) =>
    entries(body['backend']).map(([type, bodies]) => ({ file, type, body: (Array.isArray(bodies) ? bodies[0] : bodies) as unknown })),
  );
  if (backends.length !== 1) {
    report(`expected exactly one backend block, found ${backends.length}`);
    return findings;
  }
  const [backend] = backends;
  if (backend!.type !== 's3') report(`backend is "${backend!.type}", expected "s3"`, backend!.file);
  const settings = isObject(backend!.body) ? backend!.body : {};
  if (settings['use_lockfile'] !== true) report('backend s3 must set use_lockfile = true', backend!.file);
  if (settings['encrypt'] !== true) report('backend s3 must set encrypt = true', backend!.file);
  if ('dynamodb_table' in settings) report('backend s3 must not use a DynamoDB lock table (use_lockfile replaces it)', backend!.file);
  return findings;
}

/**
 * Checks that a module pins its versions in `versions.tf`: `required_version` allowing only
 * Terraform >= 1.11, and hashicorp/aws with a `~> 6.x` constraint.
 * @param module - the module to check
 * @returns findings of check `versions`
 */
export function checkVersions(module: ModuleConfig): Finding[] {
  const findings: Finding[] = [];
  const report = (message: string): void => {
    findings.push({ check: 'versions', module: module.dir, file: 'versions.tf', message });
  };
  const blocks = terraformBlocks(module).filter((b) => b.file === 'versions.tf');
  if (blocks.length === 0) {
    report('versions.tf with a terraform block is missing');
    return findings;
  }
  const required = blocks.map((b) => b.body['required_version']).find((v) => typeof v === 'string') as string | undefined;
  if (!required || !/>=\s*1\.(1[1-9]|[2-9]\d)(\.\d+)?/.test(required)) {
    report(`required_version must be ">= 1.11" (is ${JSON.stringify(required)})`);
  }
  const providers = blocks.flatMap((b) => (Array.isArray(b.body['required_providers']) ? b.body['required_providers'] : []));
  const aws = providers.map((p) => (isObject(p) ? p['aws'] : undefined)).find(isObject);
  if (!aws) report('required_providers must declare aws');
  else {
    if (aws['source'] !== 'hashicorp/aws') report(`aws source must be hashicorp/aws (is ${JSON.stringify(aws['source'])})`);
    if (typeof aws['version'] !== 'string' || !/^~>\s*6\.\d+(\.\d+)?$/.test(aws['version'])) {
      report(`aws version must be pinned "~> 6.x" (is ${JSON.stringify(aws['version'])})`);
    }
  }
  return findings;
}

/**
 * Checks that every variable has a `type` and a non-empty `description`, and every output a
 * `description`.
 * @param module - the module to check
 * @returns findings of check `variable-docs`
 */
export function checkVariableDocs(module: ModuleConfig): Finding[] {
  const findings: Finding[] = [];
  for (const { name, file, body } of namedBlocks(module, 'variable')) {
    if (!('type' in body)) findings.push({ check: 'variable-docs', module: module.dir, file, message: `variable "${name}" has no type` });
    const description = body['description'];
    if (typeof description !== 'string' || description.trim() === '') {
      findings.push({ check: 'variable-docs', module: module.dir, file, message: `variable "${name}" has no description` });
    }
  }
  for (const { name, file, body } of namedBlocks(module, 'output')) {
    const description = body['description'];
    if (typeof description !== 'string' || description.trim() === '') {
      findings.push({ check: 'variable-docs', module: module.dir, file, message: `output "${name}" has no description` });
    }
  }
  return findings;
}

/**
 * Checks that a module has the standard file set (main.tf, variables.tf, outputs.tf, versions.tf).
 * @param dir - module directory on disk
 * @param extra - further files it must have (the root module: backend.tf)
 * @returns findings of check `versions`
 */
export function checkFileSet(dir: string, extra: string[] = []): Finding[] {
  return ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', ...extra]
    .filter((f) => !existsSync(join(dir, f)))
    .map((f) => ({ check: 'versions' as const, module: dir, file: f, message: `${f} is missing` }));
}

// ------------------------------------------------------------------------------------------------
// Manifest coverage
// ------------------------------------------------------------------------------------------------

/** The parts of functions/manifest.json the coverage check reads. */
export interface Manifest {
  resources: {
    tables: Record<string, unknown>;
    buckets: Record<string, unknown>;
    queues: Record<string, { source?: { bucket: string } }>;
    userPools: Record<string, unknown>;
    websockets?: Record<string, unknown>;
  };
  layers: Record<string, unknown>;
  functions: {
    name: string;
    trigger: { type: string; method?: string; path?: string; queue?: string; pool?: string; rate?: string; api?: string; route?: string };
    env: Record<string, string>;
    permissions: { resource: string; actions: string[] }[];
    layers?: string[];
  }[];
}

const FOR_LOCAL = /^\{\s*for\s+(\w+)\s*,\s*(\w+)\s+in\s+local\.(\w+)\s*:/;

/**
 * Which manifest functions a root-module local selects, following filters of the restricted form
 * `{ for k, f in local.x : k => f if f.type == "t" }` (or `!=`) back to `local.functions`, which
 * must be `{ for f in local.manifest.functions : f.name => ... }`.
 * @returns the selected names, or an explanation of why the local cannot be followed
 */
function selectedFunctions(
  locals: Map<string, { file: string; value: unknown }>,
  name: string,
  manifest: Manifest,
  depth = 0,
): Set<string> | string {
  const entry = locals.get(name);
  if (!entry || depth > 5) return `local.${name} is not defined`;
  const expression = unwrap(entry.value);
  if (name === 'functions') {
    return /^\{\s*for\s+(\w+)\s+in\s+local\.manifest\.functions\s*:\s*\1\.name\s*=>/.test(expression)
      ? new Set(manifest.functions.map((f) => f.name))
      : 'local.functions must be { for f in local.manifest.functions : f.name => ... }';
  }
  const m = FOR_LOCAL.exec(expression);
  if (!m) return `local.${name} is not a for expression over another local`;
  const [, key, value, from] = m;
  const base = selectedFunctions(locals, from!, manifest, depth + 1);
  if (typeof base === 'string') return base;
  const rest = expression.slice(m[0].length);
  const filter = /=>\s*(\w+)\s*(?:if\s+([\s\S]*?))?\s*\}$/.exec(rest);
  if (!filter || filter[1] !== value) return `local.${name} must map ${key} => ${value} (optionally with an if filter)`;
  if (!filter[2]) return base;
  const test = new RegExp(`^${value}\\.type\\s*(==|!=)\\s*"([^"]+)"$`).exec(filter[2].trim());
  if (!test) return `local.${name}: cannot evaluate the filter "${filter[2].trim()}"`;
  const types = new Map(manifest.functions.map((f) => [f.name, f.trigger.type]));
  return new Set([...base].filter((n) => (test[1] === '==') === (types.get(n) === test[2])));
}

/**
 * What a function module needs for scheduled functions: an `aws_cloudwatch_event_rule` whose
 * `schedule_expression` is `each.value.schedule.expression`, an `aws_cloudwatch_event_target` pointing
 * at `aws_lambda_function.this[each.key]`, and an `aws_lambda_permission` for `events.amazonaws.com`
 * limited to that rule, all three with the same `for_each`.
 * @returns problems found, empty when the module is wired
 */
function checkScheduleWiring(module: ModuleConfig): string[] {
  const problems: string[] = [];
  const resources = resourceBlocks(module, 'resource');
  const rule = resources.find((r) => r.type === 'aws_cloudwatch_event_rule');
  const target = resources.find((r) => r.type === 'aws_cloudwatch_event_target');
  const permission = resources.find((r) => r.type === 'aws_lambda_permission' && r.body['principal'] === 'events.amazonaws.com');
  if (!rule || unwrap(rule.body['schedule_expression']) !== 'each.value.schedule.expression') {
    problems.push('modules/function: no aws_cloudwatch_event_rule with schedule_expression = each.value.schedule.expression');
  }
  if (!target || !/^aws_lambda_function\.this\[each\.key\]\.arn$/.test(unwrap(target.body['arn']))
    || !unwrap(target.body['rule']).startsWith(`aws_cloudwatch_event_rule.${rule?.name ?? '?'}[each.key]`)) {
    problems.push('modules/function: no aws_cloudwatch_event_target from the rule to aws_lambda_function.this[each.key]');
  }
  if (!permission || !unwrap(permission.body['source_arn']).startsWith(`aws_cloudwatch_event_rule.${rule?.name ?? '?'}[each.key]`)
    || !unwrap(permission.body['function_name']).startsWith('aws_lambda_function.this[each.key]')) {
    problems.push('modules/function: no aws_lambda_permission letting events.amazonaws.com (source_arn = the rule) invoke the function');
  }
  const forEach = new Set([rule, target, permission].filter((r) => r).map((r) => unwrap(r!.body['for_each'])));
  if (rule && target && permission && (forEach.size !== 1 || forEach.has(''))) {
    problems.push('modules/function: the schedule rule, target and permission must share one for_each');
  }
  return problems;
}

/**
 * Checks that the root module covers the manifest: it reads `functions/manifest.json` with
 * `jsondecode(file(...))`; the calls of `modules/function` deploy every manifest function exactly
 * once (following the root's filter locals); `modules/api` gets a route for every http function and
 * builds route keys "METHOD /path" by for_each; tables, buckets and queues reach the storage and
 * queues modules by for_each over the manifest; layers by for_each over `manifest.layers`; scheduled
 * functions get their schedule passed and an EventBridge rule, target and permission; and
 * every 'kind:name' reference in the manifest names something that exists.
 * @param root - the root module
 * @param manifest - the parsed manifest
 * @param resolve - finds the called modules
 * @returns findings of check `manifest`
 */
export function checkManifestCoverage(root: ModuleConfig, manifest: Manifest, resolve: ModuleResolver): Finding[] {
  const findings: Finding[] = [];
  const report = (message: string): void => {
    findings.push({ check: 'manifest', module: root.dir, message });
  };
  const report2 = (messages: string[], call: string): void => {
    for (const message of messages) report(`module.${call}: ${message}`);
  };
  const locals = localValues(root);
  const manifestLocal = unwrap(locals.get('manifest')?.value);
  if (!/^jsondecode\(\s*file\(\s*"[^"]*functions\/manifest\.json"\s*\)\s*\)$/.test(manifestLocal)) {
    report('local.manifest must be jsondecode(file("${path.root}/../functions/manifest.json"))');
  }
  const calls = namedBlocks(root, 'module');
  const callsOf = (module: string): { name: string; body: HclBody }[] =>
    calls.filter((c) => typeof c.body['source'] === 'string' && basename(c.body['source'] as string) === module);

  // Functions: every manifest function deployed by exactly one call of modules/function.
  const deployed = new Map<string, string[]>();
  const selectedBy = new Map<string, Set<string>>();
  const functionCalls = callsOf('function');
  if (functionCalls.length === 0) report('no call of modules/function');
  for (const call of functionCalls) {
    const m = FOR_LOCAL.exec(unwrap(call.body['functions']));
    if (!m) {
      report(`module.${call.name}: functions must be a for expression over a local derived from the manifest`);
      continue;
    }
    const selected = selectedFunctions(locals, m[3]!, manifest);
    if (typeof selected === 'string') {
      report(`module.${call.name}: ${selected}`);
      continue;
    }
    selectedBy.set(call.name, selected);
    for (const n of selected) deployed.set(n, [...(deployed.get(n) ?? []), call.name]);
  }
  for (const f of manifest.functions) {
    const by = deployed.get(f.name) ?? [];
    if (by.length === 0) report(`function ${f.name} (${f.trigger.type}) is deployed by no module call`);
    if (by.length > 1) report(`function ${f.name} is deployed twice (${by.join(', ')})`);
  }
  for (const call of functionCalls) {
    const child = resolve(root, call.body['source'] as string);
    const lambda = child && resourceBlocks(child, 'resource').find((r) => r.type === 'aws_lambda_function');
    if (!lambda || unwrap(lambda.body['for_each']) !== 'var.functions') {
      report(`module.${call.name}: aws_lambda_function must use for_each = var.functions`);
    }
  }

  // Schedules: every scheduled function is deployed by a call that passes its schedule to a module
  // whose EventBridge rule, target and invoke permission are created per scheduled function.
  const types = new Map(manifest.functions.map((f) => [f.name, f.trigger.type]));
  for (const call of functionCalls) {
    const scheduled = [...(selectedBy.get(call.name) ?? [])].filter((n) => types.get(n) === 'schedule');
    if (!scheduled.length) continue;
    if (!/\bschedule\s*=/.test(unwrap(call.body['functions']))) {
      report(`module.${call.name}: deploys scheduled ${scheduled.join(', ')} but passes no schedule`);
    }
    const child = resolve(root, call.body['source'] as string);
    if (child) report2(checkScheduleWiring(child), call.name);
  }

  // Routes: every http function gets a route.
  const apiCalls = callsOf('api');
  if (apiCalls.length !== 1) report(`expected one call of modules/api, found ${apiCalls.length}`);
  for (const call of apiCalls) {
    const routes = unwrap(call.body['routes']);
    const m = FOR_LOCAL.exec(routes);
    const selected = m ? selectedFunctions(locals, m[3]!, manifest) : 'routes must be a for expression over a local';
    if (typeof selected === 'string') report(`module.${call.name}: ${selected}`);
    else {
      for (const f of manifest.functions.filter((x) => x.trigger.type === 'http')) {
        if (!selected.has(f.name)) report(`route ${f.trigger.method} ${f.trigger.path} (${f.name}) is not passed to module.${call.name}`);
      }
      for (const n of selected) {
        const f = manifest.functions.find((x) => x.name === n);
        if (f?.trigger.type !== 'http') report(`module.${call.name}: ${n} is not an http function but gets a route`);
      }
    }
    if (!/\bmethod\s*=/.test(routes) || !/\bpath\s*=/.test(routes)) report(`module.${call.name}: routes must carry method and path`);
    const child = resolve(root, call.body['source'] as string);
    const routeBlocks = child ? resourceBlocks(child, 'resource').filter((r) => r.type === 'aws_apigatewayv2_route') : [];
    const route = routeBlocks.find((r) => unwrap(r.body['for_each']) === 'var.routes');
    if (manifest.functions.some((f) => f.trigger.type === 'http-default')) {
      if (!/default_route_functions/.test(unwrap(call.body['default_route']))) report(`module.${call.name}: the http-default function must be passed as default_route`);
      if (!routeBlocks.some((r) => r.body['route_key'] === '$default')) report('modules/api: no aws_apigatewayv2_route with route_key = "$default" for the http-default function');
    }
    if (!route || route.body['route_key'] !== '${each.value.method} ${each.value.path}') {
      report('modules/api: aws_apigatewayv2_route must use for_each = var.routes and route_key = "${each.value.method} ${each.value.path}"');
    }
  }

  // WebSocket routes: with websocket functions in the manifest, one call of modules/websocket takes
  // apis = local.websockets (a for expression over local.manifest.resources.websockets) and routes over
  // a local selecting exactly those functions, with api and route; the module creates WEBSOCKET APIs
  // (for_each = var.apis) and, per route (for_each = var.routes), the route keyed each.value.route, its
  // integration and the invoke permission.
  const websocketFunctions = manifest.functions.filter((f) => f.trigger.type === 'websocket');
  const websocketCalls = callsOf('websocket');
  if (websocketFunctions.length || websocketCalls.length) {
    if (websocketCalls.length !== 1) report(`expected one call of modules/websocket, found ${websocketCalls.length}`);
    if (!/^\{\s*for\s+\w+\s*,\s*\w+\s+in\s+try\(\s*local\.manifest\.resources\.websockets\b|^\{\s*for\s+\w+\s*,\s*\w+\s+in\s+local\.manifest\.resources\.websockets\s*:/.test(unwrap(locals.get('websockets')?.value))) {
      report('local.websockets must be a for expression over local.manifest.resources.websockets');
    }
  }
  for (const call of websocketCalls) {
    const routes = unwrap(call.body['routes']);
    const m = FOR_LOCAL.exec(routes);
    const selected = m ? selectedFunctions(locals, m[3]!, manifest) : 'routes must be a for expression over a local';
    if (typeof selected === 'string') report(`module.${call.name}: ${selected}`);
    else {
      for (const f of websocketFunctions) {
        if (!selected.has(f.name)) report(`websocket route ${f.trigger.route} (${f.name}) is not passed to module.${call.name}`);
      }
      for (const n of selected) if (types.get(n) !== 'websocket') report(`module.${call.name}: ${n} is not a websocket function but gets a websocket route`);
    }
    if (!/\bapi\s*=/.test(routes) || !/\broute\s*=/.test(routes)) report(`module.${call.name}: routes must carry api and route`);
    if (unwrap(call.body['apis']) !== 'local.websockets') report(`module.${call.name}: apis must be local.websockets`);
    const child = resolve(root, call.body['source'] as string);
    const resources = child ? resourceBlocks(child, 'resource') : [];
    const api = resources.find((r) => r.type === 'aws_apigatewayv2_api');
    if (!api || unwrap(api.body['for_each']) !== 'var.apis' || api.body['protocol_type'] !== 'WEBSOCKET') {
      report('modules/websocket: aws_apigatewayv2_api must use for_each = var.apis and protocol_type = "WEBSOCKET"');
    }
    const route = resources.find((r) => r.type === 'aws_apigatewayv2_route');
    if (!route || unwrap(route.body['for_each']) !== 'var.routes' || unwrap(route.body['route_key']) !== 'each.value.route') {
      report('modules/websocket: aws_apigatewayv2_route must use for_each = var.routes and route_key = each.value.route');
    }
    for (const type of ['aws_apigatewayv2_integration', 'aws_lambda_permission']) {
      if (!resources.some((r) => r.type === type && unwrap(r.body['for_each']) === 'var.routes')) {
        report(`modules/websocket: ${type} must use for_each = var.routes`);
      }
    }
  }

  // Tables, buckets, queues: manifest -> local -> module argument -> for_each.
  const collections: [string, string, string, string][] = [
    ['tables', 'storage', 'aws_dynamodb_table', 'tables'],
    ['buckets', 'storage', 'aws_s3_bucket', 'buckets'],
    ['queues', 'queues', 'aws_sqs_queue', 'queues'],
  ];
  for (const [collection, module, type, variable] of collections) {
    const local = unwrap(locals.get(collection)?.value);
    if (!new RegExp(`^\\{\\s*for\\s+\\w+\\s*,\\s*\\w+\\s+in\\s+local\\.manifest\\.resources\\.${collection}\\s*:`).test(local)) {
      report(`local.${collection} must be a for expression over local.manifest.resources.${collection}`);
    }
    const moduleCalls = callsOf(module);
    const passing = moduleCalls.filter((c) => unwrap(c.body[variable]) === `local.${collection}`);
    if (passing.length !== 1) {
      report(`exactly one call of modules/${module} must pass ${variable} = local.${collection}`);
      continue;
    }
    const child = resolve(root, passing[0]!.body['source'] as string);
    const resource = child && resourceBlocks(child, 'resource').find((r) => r.type === type && r.name === 'this');
    if (!resource || unwrap(resource.body['for_each']) !== `var.${variable}`) {
      report(`modules/${module}: ${type}.this must use for_each = var.${variable}`);
    }
  }

  // Global secondary indexes declared in the manifest: local.tables maps them and the storage module
  // creates one global_secondary_index block per entry (dynamic, for_each = each.value.indexes).
  const indexed = Object.entries(manifest.resources.tables).filter(([name, t]) => !name.startsWith('$') && isObject(t) && isObject(t['indexes']));
  if (indexed.length) {
    if (!/\bindexes\s*=/.test(unwrap(locals.get('tables')?.value))) {
      report(`local.tables must map each table's indexes (manifest tables with indexes: ${indexed.map(([name]) => name).join(', ')})`);
    }
    const storage = callsOf('storage').find((c) => unwrap(c.body['tables']) === 'local.tables');
    const child = storage && resolve(root, storage.body['source'] as string);
    const table = child && resourceBlocks(child, 'resource').find((r) => r.type === 'aws_dynamodb_table' && r.name === 'this');
    const dynamics = table && isObject(table.body['dynamic']) ? table.body['dynamic']['global_secondary_index'] : undefined;
    const gsi = Array.isArray(dynamics) ? dynamics[0] : undefined;
    if (!isObject(gsi) || unwrap(gsi['for_each']) !== 'each.value.indexes') {
      report('modules/storage: aws_dynamodb_table.this must create a dynamic "global_secondary_index" with for_each = each.value.indexes');
    }
  }

  // Layers.
  const layer = resourceBlocks(root, 'resource').find((r) => r.type === 'aws_lambda_layer_version');
  if (!layer || unwrap(layer.body['for_each']) !== 'local.manifest.layers') {
    report('aws_lambda_layer_version must use for_each = local.manifest.layers');
  }

  // References inside the manifest.
  const variables = new Set(namedBlocks(root, 'variable').map((v) => v.name));
  const exists = (ref: string): boolean => {
    const [kind, name] = ref.split(':');
    switch (kind) {
      case 'table':
        return name! in manifest.resources.tables;
      case 'bucket':
        return name! in manifest.resources.buckets;
      case 'queue':
        return name! in manifest.resources.queues;
      case 'userpool':
      case 'userpool_domain':
        return name! in manifest.resources.userPools;
      case 'var':
        return variables.has(name!);
      case 'ses':
        return name === 'identity';
      case 'websocket':
        return name! in (manifest.resources.websockets ?? {}) && callsOf('websocket').length > 0;
      default:
        return false;
    }
  };
  for (const f of manifest.functions) {
    for (const [key, ref] of Object.entries(f.env)) {
      if (/^[a-z_]+:/.test(ref) && !exists(ref)) report(`function ${f.name}: env ${key} = "${ref}" names nothing Terraform creates`);
    }
    for (const p of f.permissions) {
      if (!exists(p.resource)) report(`function ${f.name}: permission on "${p.resource}" names nothing Terraform creates`);
    }
    for (const l of f.layers ?? []) if (!(l in manifest.layers)) report(`function ${f.name}: layer "${l}" is not in manifest.layers`);
    if (f.trigger.type === 'sqs' && !(f.trigger.queue! in manifest.resources.queues)) {
      report(`function ${f.name}: trigger queue "${f.trigger.queue}" is not in manifest.resources.queues`);
    }
    if (f.trigger.type === 'schedule' && !RATE_EXPRESSION.test(f.trigger.rate ?? '')) {
      report(`function ${f.name}: schedule rate "${f.trigger.rate ?? ''}" is not an EventBridge rate expression such as rate(5 minutes)`);
    }
    if (f.trigger.type === 'cognito' && !(f.trigger.pool! in manifest.resources.userPools)) {
      report(`function ${f.name}: trigger pool "${f.trigger.pool}" is not in manifest.resources.userPools`);
    }
  }
  for (const [name, q] of Object.entries(manifest.resources.queues)) {
    if (q.source && !(q.source.bucket in manifest.resources.buckets)) {
      report(`queue ${name}: source bucket "${q.source.bucket}" is not in manifest.resources.buckets`);
    }
  }
  return findings;
}

// ------------------------------------------------------------------------------------------------
// Whole tree
// ------------------------------------------------------------------------------------------------

/** Everything {@link loadTree} found: the root, its modules by directory, and a resolver. */
/**
 * What an operator needs to see the deployed stack run, checked over every module:
 * - every `aws_cloudwatch_log_group` sets `retention_in_days`;
 * - every `aws_lambda_function` has `tracing_config { mode = "Active" }` (X-Ray);
 * - the root calls modules/monitoring once, with `function_names` covering every call of
 *   modules/function, `queues` a for expression over `local.queues`, and `dead_letter_queue_names`
 *   the queues module's output, so new manifest functions and queues get their alarms unasked;
 * - modules/monitoring alarms each function's `Errors` and `Throttles` (for_each = var.function_names),
 *   each DLQ's `ApproximateNumberOfMessagesVisible` above 0 (for_each = var.dead_letter_queue_names),
 *   each queue's `ApproximateAgeOfOldestMessage` (for_each = var.queues), the API's 5xx rate (metric
 *   math over `5xx` and `Count`) and its p99 `Latency`; every alarm notifies an `aws_sns_topic` that
 *   var.alarm_email subscribes to by e-mail; and it has an `aws_cloudwatch_dashboard`.
 * @param tree - the loaded configuration
 * @returns the findings, empty when all of it holds
 */
export function checkMonitoring(tree: TerraformTree): Finding[] {
  const findings: Finding[] = [];
  const report = (module: ModuleConfig, message: string, file?: string): void => {
    findings.push({ check: 'monitoring', module: module.dir, file, message });
  };
  const blocks = (value: unknown): HclBody[] => (Array.isArray(value) ? value : [value]).filter(isObject);
  for (const module of tree.modules.values()) {
    for (const group of resourceBlocks(module, 'resource').filter((r) => r.type === 'aws_cloudwatch_log_group')) {
      if (group.body['retention_in_days'] === undefined) report(module, `aws_cloudwatch_log_group.${group.name} has no retention_in_days`, group.file);
    }
    for (const fn of resourceBlocks(module, 'resource').filter((r) => r.type === 'aws_lambda_function')) {
      if (!blocks(fn.body['tracing_config']).some((t) => t['mode'] === 'Active')) report(module, `aws_lambda_function.${fn.name} has no active X-Ray tracing (tracing_config { mode = "Active" })`, fn.file);
    }
  }

  const root = tree.root;
  const calls = namedBlocks(root, 'module');
  const callsOf = (name: string) => calls.filter((c) => typeof c.body['source'] === 'string' && basename(c.body['source'] as string) === name);
  const monitoring = callsOf('monitoring');
  if (monitoring.length !== 1) {
    report(root, `expected one call of modules/monitoring, found ${monitoring.length}`);
    return findings;
  }
  const call = monitoring[0]!;
  const functionNames = unwrap(call.body['function_names']);
  for (const fnCall of callsOf('function')) {
    if (!functionNames.includes(`module.${fnCall.name}.function_names`)) report(root, `module.${call.name}: function_names must include module.${fnCall.name}.function_names`, call.file);
  }
  const queuesCall = callsOf('queues')[0];
  if (!queuesCall || unwrap(call.body['dead_letter_queue_names']) !== `module.${queuesCall.name}.dead_letter_queue_names`) {
    report(root, `module.${call.name}: dead_letter_queue_names must be module.${queuesCall?.name ?? 'queues'}.dead_letter_queue_names`, call.file);
  }
  const queues = FOR_LOCAL.exec(unwrap(call.body['queues']));
  if (!queues || queues[3] !== 'queues') report(root, `module.${call.name}: queues must be a for expression over local.queues`, call.file);
  if (call.body['alarm_email'] === undefined) report(root, `module.${call.name}: alarm_email is not passed`, call.file);

  const child = tree.resolve(root, call.body['source'] as string);
  if (!child) {
    report(root, `module.${call.name}: its source does not resolve`, call.file);
    return findings;
  }
  const resources = resourceBlocks(child, 'resource');
  const locals = localValues(child);
  const alarms = resources.filter((r) => r.type === 'aws_cloudwatch_metric_alarm');
  const text = (body: HclBody) => JSON.stringify(body);
  const notifiesTopic = (body: HclBody): boolean => {
    const actions = typeof body['alarm_actions'] === 'string' ? unwrap(body['alarm_actions']) : JSON.stringify(body['alarm_actions'] ?? '');
    const local = /^local\.(\w+)$/.exec(actions);
    const resolved = local ? JSON.stringify(locals.get(local[1]!)?.value ?? '') : actions;
    return /aws_sns_topic\.\w+\.arn/.test(resolved);
  };
  const wanted: Array<[string, (body: HclBody) => boolean]> = [
    ['each function\'s Errors (for_each = var.function_names)', (b) => unwrap(b['for_each']) === 'var.function_names' && b['metric_name'] === 'Errors'],
    ['each function\'s Throttles (for_each = var.function_names)', (b) => unwrap(b['for_each']) === 'var.function_names' && b['metric_name'] === 'Throttles'],
    ['each DLQ\'s visible messages above 0 (for_each = var.dead_letter_queue_names)', (b) => unwrap(b['for_each']) === 'var.dead_letter_queue_names'
      && b['metric_name'] === 'ApproximateNumberOfMessagesVisible' && Number(b['threshold']) === 0 && b['comparison_operator'] === 'GreaterThanThreshold'],
    ['each queue\'s oldest message age (for_each = var.queues)', (b) => unwrap(b['for_each']) === 'var.queues' && b['metric_name'] === 'ApproximateAgeOfOldestMessage'],
    ['the API\'s 5xx rate (metric math over 5xx and Count)', (b) => b['metric_query'] !== undefined && /"metric_name":"5xx"/.test(text(b)) && /"metric_name":"Count"/.test(text(b))],
    ['the API\'s p99 latency', (b) => b['metric_name'] === 'Latency' && b['extended_statistic'] === 'p99'],
  ];
  for (const [what, matches] of wanted) {
    if (!alarms.some((a) => matches(a.body))) report(child, `no alarm on ${what}`);
  }
  for (const alarm of alarms) {
    if (!notifiesTopic(alarm.body)) report(child, `aws_cloudwatch_metric_alarm.${alarm.name} notifies no aws_sns_topic (alarm_actions)`, alarm.file);
  }
  const email = resources.find((r) => r.type === 'aws_sns_topic_subscription' && r.body['protocol'] === 'email');
  if (!email || !JSON.stringify(email.body).includes('var.alarm_email')) report(child, 'no e-mail subscription (protocol = "email") of var.alarm_email to the alarm topic');
  if (!resources.some((r) => r.type === 'aws_cloudwatch_dashboard')) report(child, 'no aws_cloudwatch_dashboard');
  return findings;
}

export interface TerraformTree {
  root: ModuleConfig;
  modules: Map<string, ModuleConfig>;
  resolve: ModuleResolver;
}

/**
 * Loads the root module and every module under `<root>/modules/`.
 * @param rootDir - the `terraform/` directory
 * @returns the loaded tree
 */
export async function loadTree(rootDir: string): Promise<TerraformTree> {
  const modules = new Map<string, ModuleConfig>();
  const root = await loadModule(resolve(rootDir));
  modules.set(resolve(rootDir), root);
  const modulesDir = join(rootDir, 'modules');
  if (existsSync(modulesDir)) {
    for (const name of readdirSync(modulesDir).sort()) {
      const dir = resolve(modulesDir, name);
      if (statSync(dir).isDirectory()) modules.set(dir, await loadModule(dir));
    }
  }
  return { root, modules, resolve: diskResolver(modules) };
}

/**
 * Runs every per-module check on every module of a tree, plus the root-only checks (backend,
 * manifest coverage).
 * @param tree - the loaded tree
 * @param schema - the AWS provider schema
 * @param manifest - the parsed manifest
 * @returns all findings (empty when the configuration is clean)
 */
export function checkTree(tree: TerraformTree, schema: ProviderSchema, manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  for (const module of tree.modules.values()) {
    findings.push(
      ...module.parseErrors,
      ...checkSchema(module, schema),
      ...checkVariableReferences(module),
      ...checkLocalReferences(module),
      ...checkResourceReferences(module),
      ...checkModuleCalls(module, tree.resolve),
      ...checkModuleOutputs(module, tree.resolve),
      ...checkVersions(module),
      ...checkVariableDocs(module),
    );
    findings.push(...checkFileSet(module.dir, module === tree.root ? ['backend.tf'] : []));
  }
  findings.push(...checkBackend(tree.root), ...checkManifestCoverage(tree.root, manifest, tree.resolve), ...checkMonitoring(tree));
  return findings;
}

/**
 * Formats findings one per line for an assertion message or the CLI.
 * @param findings - the findings
 * @returns a readable report
 */
export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `[${f.check}] ${f.module}${f.file ? `/${f.file}` : ''}: ${f.message}`).join('\n');
}
