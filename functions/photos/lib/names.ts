import { randomBytes } from 'node:crypto';
import { badRequest, sanitizeFileName } from '@darkroom/runtime';
import { MAX_CLIENT_NAME_LENGTH } from './limits';

/**
 * What a stored photo's `filename` looks like: `<timestamp>-<random>_<sanitised name>` (seed 002: the
 * function adds a timestamp so an upload never overwrites another). Routes that take a stored name
 * accept this alphabet only, so a name can never leave the caller's `<sub>/photos/` prefix.
 */
export const FILENAME_PATTERN = '^[A-Za-z0-9._-]+$';
/** Longest stored filename: timestamp (19) + random (5) + `_` + sanitised name (at most 200). */
export const MAX_FILENAME_LENGTH = 225;

/**
 * Checks a client-supplied file name (upload `filename`, multipart part name) and makes it safe.
 * Path separators, control characters and names over {@link MAX_CLIENT_NAME_LENGTH} characters are
 * refused rather than silently rewritten: they usually mean a client bug or an attack.
 * @returns the sanitised name (see runtime's sanitizeFileName)
 * @throws 400 naming the problem
 */
export function checkClientFileName(name: string): string {
  if (name.length > MAX_CLIENT_NAME_LENGTH) throw badRequest(`filename is longer than ${MAX_CLIENT_NAME_LENGTH} characters`);
  if (/[/\\]/.test(name)) throw badRequest('filename must not contain path separators');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw badRequest('filename must not contain control characters');
  const safe = sanitizeFileName(name);
  if (!safe) throw badRequest('filename has no usable characters');
  return safe;
}

/**
 * The stored name of a photo: a compact UTC timestamp to the millisecond (`20261121T103015123Z`, sorts
 * as it reads), a short random suffix (two uploads in one millisecond), then the sanitised name.
 * @param safeName - a name already sanitised (checkClientFileName or sanitizeFileName)
 * @param now - epoch milliseconds
 */
export function storedFileName(safeName: string, now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex').slice(0, 4)}_${safeName}`;
}

/** @returns the upload time encoded in a stored name, ISO 8601, or undefined for another shape */
export function uploadedAtOf(filename: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-/.exec(filename);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : undefined;
}
