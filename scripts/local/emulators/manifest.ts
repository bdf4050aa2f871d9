/** The slice of functions/manifest.json the local stack provisions, typed. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface TableSpec { hashKey: string; rangeKey?: string; ttlAttribute?: string }
export interface BucketSpec { expireDays?: number }
export interface QueueSpec {
  visibilityTimeout: number;
  maxReceiveCount: number;
  source?: { bucket: string; events: string[] };
}
export interface PasswordPolicySpec {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
}
export interface UserPoolSpec { passwordPolicy: PasswordPolicySpec; usernameAttributes: string[]; autoVerifiedAttributes: string[] }
export interface ManifestResources {
  tables: Record<string, TableSpec>;
  buckets: Record<string, BucketSpec>;
  queues: Record<string, QueueSpec>;
  userPools: Record<string, UserPoolSpec>;
}

/** Path of the manifest, from the repository root. */
export const MANIFEST_PATH = resolve(__dirname, '../../../functions/manifest.json');

/**
 * Reads the `resources` block of the manifest.
 * @throws Error if the file is missing or is not JSON.
 */
export function loadResources(path = MANIFEST_PATH): ManifestResources {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { resources: ManifestResources };
  return manifest.resources;
}

/** AWS name of a manifest resource: every table, bucket and queue is `darkroom-<name>`. */
export const awsName = (name: string): string => `darkroom-${name}`;

/** Entries of a manifest map without its `$comment` keys. */
export function entries<T>(map: Record<string, T>): Array<[string, T]> {
  return Object.entries(map).filter(([name]) => !name.startsWith('$'));
}
