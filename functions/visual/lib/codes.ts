import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/** A new 6-digit verification code (the seed's "6 digit numbers"), uniformly drawn with a CSPRNG. */
export const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * What the table keeps of a code: sha256 of `<jobID>:<code>`. It keeps codes out of the table and its
 * backups; the protection against guessing is the expiry and the try limit, not the hash.
 */
export const hashCode = (jobID: string, code: string): string => createHash('sha256').update(`${jobID}:${code}`).digest('hex');

/** Compares a code with a stored hash in constant time (crypto.timingSafeEqual over equal-length digests). */
export function codeMatches(jobID: string, code: string, storedHash: string | undefined): boolean {
  if (!storedHash) return false;
  const given = Buffer.from(hashCode(jobID, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
