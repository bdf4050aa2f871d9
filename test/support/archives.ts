/**
 * ZIP archives for the photos tests, honest and malicious, built in memory in milliseconds.
 *
 * {@link rawZip} writes the format by hand (local headers, central directory, EOCD, ZIP64 EOCD beyond
 * 65,535 entries), so a test can say anything in a header: names yazl would refuse (`../x.jpg`,
 * `a\..\x.jpg`), sizes that lie, a central directory of 100,000 entries. Honest archives of real photos
 * come from yazl ({@link photoZip}).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, constants } from 'node:zlib';
import { ZipFile } from 'yazl';

export const PHOTOS_DIR = join(__dirname, '../fixtures/photos');
export const fixturePhoto = (name: string): Buffer => readFileSync(join(PHOTOS_DIR, name));
export const fixtureNames = (): string[] => readdirSync(PHOTOS_DIR).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort();

/** One entry as {@link rawZip} writes it: the compressed bytes and what the headers claim. */
export interface RawEntry {
  name: string;
  /** The entry's data as stored (already deflated when method is 8). */
  data: Buffer;
  /** 0 stored, 8 deflated. */
  method?: 0 | 8;
  /** Claimed in both headers; defaults to the truth (data.length for stored). */
  uncompressedSize: number;
  crc?: number;
}

/** A stored entry of `data`, honest. */
export const stored = (name: string, data: Buffer): RawEntry => ({ name, data, method: 0, uncompressedSize: data.length });
/** A deflated entry of `data`, honest unless `claim` overrides the uncompressed size. */
export const deflated = (name: string, data: Buffer, claim?: number): RawEntry =>
  ({ name, data: deflateRawSync(data), method: 8, uncompressedSize: claim ?? data.length });

/** Writes a ZIP archive exactly as told (no validation: that is the point). */
export function rawZip(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(entry.method ?? 0, 8);
    local.writeUInt32LE(entry.crc ?? 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x800, 8);
    header.writeUInt16LE(entry.method ?? 0, 10);
    header.writeUInt32LE(entry.crc ?? 0, 16);
    header.writeUInt32LE(entry.data.length, 20);
    header.writeUInt32LE(entry.uncompressedSize, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, entry.data);
    central.push(header, name);
    offset += 30 + name.length + entry.data.length;
  }
  const cd = Buffer.concat(central);
  const many = entries.length > 0xfffe;
  const tail: Buffer[] = [];
  if (many) {
    const z64 = Buffer.alloc(56);
    z64.writeUInt32LE(0x06064b50, 0);
    z64.writeBigUInt64LE(44n, 4);
    z64.writeUInt16LE(45, 12);
    z64.writeUInt16LE(45, 14);
    z64.writeBigUInt64LE(BigInt(entries.length), 24);
    z64.writeBigUInt64LE(BigInt(entries.length), 32);
    z64.writeBigUInt64LE(BigInt(cd.length), 40);
    z64.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(z64, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(many ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(many ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, ...tail, eocd]);
}

/**
 * Deflated zeros, `bytes` of them, built from one compressed MiB repeated (each block ends with a full
 * flush, so blocks are independent) and a final empty block: 1 GiB takes ~1 MB and milliseconds.
 */
export function deflatedZeros(bytes: number): Buffer {
  const MiB = 1024 * 1024;
  if (bytes % MiB) throw new Error('whole MiB only');
  const block = deflateRawSync(Buffer.alloc(MiB), { finishFlush: constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array.from({ length: bytes / MiB }, () => block), Buffer.from([0x03, 0x00])]);
}

/** The zip bomb of the issue: one entry of 1 GiB of zeros, honestly declared, ~1 MB compressed. */
export const zipBomb = (bytes = 1024 ** 3): Buffer => rawZip([{ name: 'zeros.jpg', data: deflatedZeros(bytes), method: 8, uncompressedSize: bytes }]);

/** An archive whose header lies: it declares `claim` bytes but inflates to `actual` (zeros). `before` entries come first. */
export const lyingZip = (before: RawEntry[], claim = 1000, actual = 16 * 1024 * 1024): Buffer =>
  rawZip([...before, { name: 'liar.jpg', data: deflatedZeros(actual), method: 8, uncompressedSize: claim }]);

/** `count` tiny stored entries (ZIP64 directory beyond 65,535): 100,000 build in well under a second. */
export function manyEntries(count: number): Buffer {
  const one = Buffer.from('x');
  return rawZip(Array.from({ length: count }, (_, i) => stored(`f${i}.jpg`, one)));
}

/** An honest archive (deflated by yazl unless `compress: false`); a name ending in `/` is a directory entry. */
export async function photoZip(entries: Array<{ name: string; data: Buffer; compress?: boolean }>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) {
    if (entry.name.endsWith('/')) zip.addEmptyDirectory(entry.name, { mtime: new Date(0) });
    else zip.addBuffer(entry.data, entry.name, { compress: entry.compress ?? true, mtime: new Date(0) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
