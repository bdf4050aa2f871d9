import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadConfig } from '../config';
import { DomainError } from '../errors';

/** The environment variable holding the key cursors are signed with (Terraform: a random value; the local stack: a fixed one). */
export const CURSOR_SECRET_VARIABLE = 'CURSOR_SECRET';

/**
 * Where a cursor is valid: one list (`social.friends`, `photos.list`, ...) of one partition (the user's
 * id, the event's id). A cursor is signed for its scope, so it opens no other list and no other user's.
 */
export interface CursorScope { list: string; partition: string }

let key: Buffer | undefined;
/** The signing key, read from the environment once. @throws ConfigError when CURSOR_SECRET is unset */
function signingKey(): Buffer {
  key ??= Buffer.from(loadConfig({ secret: CURSOR_SECRET_VARIABLE }).secret, 'utf8');
  return key;
}

/** 128 bits of HMAC-SHA256 (RFC 2104; truncation as RFC 2104 §5 allows) over the scope and the payload. */
const mac = (scope: CursorScope, payload: string): Buffer =>
  createHmac('sha256', signingKey()).update(`${scope.list}\u0000${scope.partition}\u0000${payload}`).digest().subarray(0, 16);

/**
 * Makes the opaque cursor of a position in a list: `<payload>.<mac>`, both base64url, where the payload
 * is the position (e.g. a DynamoDB key) as JSON and the MAC signs it together with `scope`.
 */
export function encodeCursor(scope: CursorScope, position: Record<string, unknown>): string {
  const payload = Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
  return `${payload}.${mac(scope, payload).toString('base64url')}`;
}

/** The 400 of a cursor this list did not hand out. */
export const foreignCursor = (field = 'cursor') => new DomainError(400, `${field} is not one this list returned: start again without it`);

/**
 * Reads a cursor back.
 * @param cursor - absent or empty: the first page
 * @param field - the request field named in the error
 * @returns the position, or undefined for the first page
 * @throws DomainError 400 when the cursor is malformed, altered, or was made for another list or partition
 */
export function decodeCursor(scope: CursorScope, cursor: string | null | undefined, field = 'cursor'): Record<string, unknown> | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  const [payload, signature, extra] = cursor.split('.');
  if (!payload || !signature || extra !== undefined) throw foreignCursor(field);
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(scope, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw foreignCursor(field);
  try {
    const position = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (position && typeof position === 'object' && !Array.isArray(position)) return position as Record<string, unknown>;
  } catch { /* a signed payload is always JSON; fall through */ }
  throw foreignCursor(field);
}

/** The request schema of a cursor: the `next_cursor` of the previous page; empty or absent for the first. */
export const cursorSchema = { type: 'string', maxLength: 2048, pattern: '^([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)?$' } as const;
/**
 * The query (or body) properties of a paged list: `limit` (1..`max`) and `cursor`.
 * @param max - the largest page, which is also the default
 */
export const pageProperties = (max: number) => ({
  limit: { type: 'integer', minimum: 1, maximum: max, description: `items per page (default and largest: ${max})` },
  cursor: cursorSchema,
}) as const;

/** The query schema of a paged GET list: {@link pageProperties} and nothing else. */
export const pageQuerySchema = (max: number) => ({ type: 'object', properties: pageProperties(max), additionalProperties: false }) as const;

/** The response schema of `next_cursor`: null on the last page. */
export const nextCursorSchema = { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null on the last page' } as const;
