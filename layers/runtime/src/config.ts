/** Thrown at cold start when the function's environment lacks a value it needs. */
export class ConfigError extends Error {
  constructor(readonly missing: string[]) {
    super(`Missing environment variable(s): ${missing.join(', ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the named environment variables once, at module load, and fails fast on any that is missing or
 * empty, so a mis-deployed function dies at cold start with a clear message instead of on a request.
 *
 * @param names - map of config key to environment variable name, e.g. `{ imagesTable: 'IMAGES_TABLE' }`
 * @returns a frozen object with the same keys and the variables' values
 * @throws ConfigError listing every missing variable
 */
export function loadConfig<K extends string>(names: Record<K, string>): Readonly<Record<K, string>> {
  const values = {} as Record<K, string>;
  const missing: string[] = [];
  for (const [key, variable] of Object.entries(names) as [K, string][]) {
    const value = process.env[variable];
    if (value === undefined || value === '') missing.push(variable);
    else values[key] = value;
  }
  if (missing.length) throw new ConfigError(missing);
  return Object.freeze(values);
}

/**
 * Reads an optional environment variable.
 * @returns its value, or `fallback` when unset or empty
 */
export function optionalEnv(variable: string, fallback?: string): string | undefined {
  const value = process.env[variable];
  return value === undefined || value === '' ? fallback : value;
}

/** True when running on the local stack (`DARKROOM_LOCAL=1`), where clients talk to emulators. */
export const isLocal = (): boolean => process.env.DARKROOM_LOCAL === '1';

/**
 * Reads, once, every environment variable whose name starts with `prefix`: a map from the rest of the
 * name, lower-cased, to the value (`THUMBNAIL_EVENTS_QUEUE_URL_PHOTOS=...` with prefix
 * `THUMBNAIL_EVENTS_QUEUE_URL_` gives `{ photos: ... }`). For settings one entry per consumer, where the
 * consumers are configuration (the manifest), not code.
 * @returns a frozen map; empty values are left out
 */
export function loadConfigMap(prefix: string): Readonly<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith(prefix) && name.length > prefix.length && value) values[name.slice(prefix.length).toLowerCase()] = value;
  }
  return Object.freeze(values);
}
