/** Shared fixtures of the Terraform static-check tests. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { ModuleConfig, ModuleResolver } from '../../scripts/terraform/check';

/** Repository root. */
export const REPO = join(__dirname, '..', '..');
/** The root Terraform module. */
export const TERRAFORM_DIR = join(REPO, 'terraform');
/** The AWS provider schema the tests check against (copied from ../shared/terraform). */
export const SCHEMA_PATH = join(__dirname, 'aws-provider-6.66.0-schema.json.gz');
/** The manifest. */
export const MANIFEST_PATH = join(REPO, 'functions', 'manifest.json');

/**
 * A resolver over in-memory modules keyed by their `source` string.
 * @param modules - source => module
 * @returns the resolver
 */
export function memoryResolver(modules: Record<string, ModuleConfig>): ModuleResolver {
  return (_caller, source) => modules[source];
}

/**
 * Whether a terraform binary is on PATH.
 * @returns true when `terraform version` runs
 */
export function terraformOnPath(): boolean {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
