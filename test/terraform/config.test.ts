/**
 * The static checks run against the real configuration under terraform/: the offline replacement
 * for `terraform validate` (see scripts/terraform/check.ts and DESIGN.md section 6).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  checkBackend,
  checkFileSet,
  checkLocalReferences,
  checkManifestCoverage,
  checkMonitoring,
  checkModuleCalls,
  checkModuleOutputs,
  checkResourceReferences,
  checkSchema,
  checkTree,
  checkVariableDocs,
  checkVariableReferences,
  checkVersions,
  formatFindings,
  loadSchema,
  loadTree,
  type Finding,
  type Manifest,
  type ProviderSchema,
  type TerraformTree,
} from '../../scripts/terraform/check';
import { MANIFEST_PATH, SCHEMA_PATH, TERRAFORM_DIR, terraformOnPath } from './helpers';

const EXPECTED_MODULES = ['function', 'api', 'auth', 'storage', 'queues', 'balancer', 'pipeline'];

let tree: TerraformTree;
let schema: ProviderSchema;
let manifest: Manifest;

beforeAll(async () => {
  tree = await loadTree(TERRAFORM_DIR);
  schema = loadSchema(SCHEMA_PATH);
  manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Manifest;
});

/** Runs a per-module check over every module and fails with a readable list. */
function expectClean(check: (m: TerraformTree['root']) => Finding[]): void {
  const findings = [...tree.modules.values()].flatMap(check);
  expect(formatFindings(findings)).toBe('');
}

describe('terraform/ (static validation)', () => {
  test('has the root module and every module DESIGN.md names, each with the standard file set', () => {
    const dirs = [...tree.modules.keys()].map((d) => d.split('/').pop());
    for (const m of EXPECTED_MODULES) expect(dirs).toContain(m);
    const findings = [...tree.modules.values()].flatMap((m) => checkFileSet(m.dir, m === tree.root ? ['backend.tf'] : []));
    expect(formatFindings(findings)).toBe('');
  });

  test('every file parses', () => {
    expectClean((m) => m.parseErrors);
    expect(tree.root.files.length).toBeGreaterThan(0);
  });

  test('the schema file is the AWS provider 6.66.0', () => {
    expect(schema.version).toBe('6.66.0');
    expect(Object.keys(schema.resource).length).toBeGreaterThan(1000);
  });

  test('every aws_* resource and data source matches the provider schema', () => {
    expectClean((m) => checkSchema(m, schema));
  });

  test('every var.x is declared', () => expectClean(checkVariableReferences));
  test('every local.x is defined', () => expectClean(checkLocalReferences));
  test('every resource reference names a declared resource', () => expectClean(checkResourceReferences));
  test('every module call passes all required variables and no unknown ones', () =>
    expectClean((m) => checkModuleCalls(m, tree.resolve)));
  test('every module.x.y names an output of module x', () => expectClean((m) => checkModuleOutputs(m, tree.resolve)));
  test('every module pins Terraform >= 1.11 and hashicorp/aws ~> 6.x', () => expectClean(checkVersions));
  test('every variable has a type and a description, every output a description', () => expectClean(checkVariableDocs));

  test('the backend is S3 with use_lockfile and encrypt', () => {
    expect(formatFindings(checkBackend(tree.root))).toBe('');
  });

  test('the root module covers the manifest: functions, routes, queues, tables, buckets, layers, references', () => {
    expect(formatFindings(checkManifestCoverage(tree.root, manifest, tree.resolve))).toBe('');
  });

  test('alarms (DLQs, functions, queues, API 5xx and p99) to an e-mailed SNS topic, log retention, X-Ray and a dashboard cover what the manifest deploys', () => {
    expect(formatFindings(checkMonitoring(tree))).toBe('');
    const monitoring = [...tree.modules.values()].find((m) => m.dir.endsWith('/monitoring'));
    expect(monitoring).toBeDefined();
  });

  test('checkTree (everything at once) is clean', () => {
    expect(formatFindings(checkTree(tree, schema, manifest))).toBe('');
  });

  const fmt = terraformOnPath() ? test : test.skip;
  fmt(`terraform fmt -check -recursive${terraformOnPath() ? '' : ' (SKIPPED: no terraform binary on PATH; CI runs fmt in buildspec.yml)'}`, () => {
    const run = spawnSync('terraform', ['fmt', '-check', '-recursive', '-diff', TERRAFORM_DIR], { encoding: 'utf8' });
    // On failure the diff of every badly formatted file is the assertion message.
    expect({ status: run.status, diff: run.stdout }).toEqual({ status: 0, diff: '' });
  });
});
