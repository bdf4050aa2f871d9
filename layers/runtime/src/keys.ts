/**
 * Object keys, namespaced by owner as DESIGN.md §4 fixes: `<sub>/<service>/<rest>`. Every S3 object a
 * user owns lives under their Cognito sub, so a key proves its owner and one prefix lists their data.
 */

/** Longest file name Darkroom keeps in a key, in characters (S3 allows 1,024 bytes for the whole key). */
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * Makes a client's file name safe for an S3 key and a download: the last path segment only, characters
 * outside `[A-Za-z0-9._-]` replaced by `_`, runs of `_` folded, at most {@link MAX_FILE_NAME_LENGTH}
 * characters keeping the extension.
 * @returns the sanitised name, or `undefined` when nothing usable is left (e.g. `..`, `/`, control characters only)
 */
export function sanitizeFileName(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? '';
  let safe = base.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/_+/g, '_').replace(/^[._]+/, '');
  if (!safe || /^[._-]*$/.test(safe)) return undefined;
  if (safe.length > MAX_FILE_NAME_LENGTH) {
    const dot = safe.lastIndexOf('.');
    const ext = dot > 0 && safe.length - dot <= 10 ? safe.slice(dot) : '';
    safe = safe.slice(0, MAX_FILE_NAME_LENGTH - ext.length) + ext;
  }
  return safe;
}

/** The key of an owner's object: `<sub>/<service>/<parts joined by '/'>`. */
export const ownerKey = (sub: string, service: string, ...parts: string[]): string => [sub, service, ...parts].join('/');

/** An owner key taken apart. */
export interface OwnerKey { owner: string; service: string; rest: string }

/** @returns the parts of `<sub>/<service>/<rest>`, or undefined for a key of another shape */
export function parseOwnerKey(key: string): OwnerKey | undefined {
  const match = /^([^/]+)\/([^/]+)\/(.+)$/.exec(key);
  return match ? { owner: match[1]!, service: match[2]!, rest: match[3]! } : undefined;
}
