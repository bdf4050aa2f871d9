/**
 * Reading ZIP archives safely (DESIGN.md §4 "ZIP upload"), with yauzl over a random-access source, so an
 * archive is never held in memory: the central directory is read through a small block cache and each
 * entry's data is streamed by its own ranged read.
 *
 * Two lines of defence:
 * 1. {@link inspectArchive} walks the central directory before anything is inflated and refuses the
 *    whole archive for unsafe names, too many entries, sizes or ratios over the caps, or overlapping
 *    entries (the "better zip bomb" technique);
 * 2. {@link readEntry} counts bytes while inflating and aborts as soon as an entry yields more than its
 *    header declared (or than the per-entry cap), so a header that lies gains nothing.
 */
import { HeadObjectCommand, GetObjectCommand, NoSuchKey, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream, statSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { DomainError, badRequest, logger, notFound, payloadTooLarge, unprocessable } from '@darkroom/runtime';
import yauzl from 'yauzl';
import type { ArchiveLimits } from './limits';

/** An archive's bytes: its size and ranged reads (`end` exclusive). */
export interface RangeSource {
  size: number;
  stream(start: number, end: number): Readable;
}

/** An archive held in memory (a request body, at most a few MB). */
export const bufferSource = (data: Buffer): RangeSource => ({
  size: data.length,
  stream: (start, end) => Readable.from(end > start ? [data.subarray(start, end)] : []),
});

/** An archive on disk (benchmarks, tests). */
export function fileSource(path: string): RangeSource {
  const { size } = statSync(path);
  return { size, stream: (start, end) => (end > start ? createReadStream(path, { start, end: end - 1 }) : Readable.from([])) };
}

/**
 * An archive in S3, read with ranged GETs (one per entry, plus a few for the central directory).
 * @throws 404 when the object does not exist
 */
export async function s3Source(s3: S3Client, bucket: string, key: string): Promise<RangeSource> {
  let size: number;
  try {
    size = (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength ?? 0;
  } catch (error) {
    if (error instanceof NotFound || error instanceof NoSuchKey || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      throw notFound('Archive not found: upload it first (POST /photos/unzip {"upload": {"size": ...}})');
    }
    throw error;
  }
  return {
    size,
    stream(start, end) {
      const out = new PassThrough();
      if (end <= start) { out.end(); return out; }
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` })).then(
        ({ Body }) => { const body = Body as Readable; body.on('error', (e) => out.destroy(e)); body.pipe(out); },
        (error: Error) => out.destroy(error),
      );
      return out;
    },
  };
}

/** Reads at most this large are served from cached blocks (central directory records, local headers). */
const SMALL_READ = 64 * 1024;
/** Block size of that cache: one ranged read covers ~10,000 central directory records of short names. */
const BLOCK = 1024 * 1024;

const collect = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** yauzl's random-access reader over a {@link RangeSource}, with a two-block cache for small reads. */
class SourceReader extends yauzl.RandomAccessReader {
  private readonly blocks = new Map<number, Promise<Buffer>>();
  constructor(private readonly source: RangeSource) { super(); }

  override _readStreamForRange(start: number, end: number): Readable {
    if (end - start > SMALL_READ) return this.source.stream(start, end);
    const out = new PassThrough();
    this.readSmall(start, end).then((data) => out.end(data), (error: Error) => out.destroy(error));
    return out;
  }

  private async readSmall(start: number, end: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let index = Math.floor(start / BLOCK); index * BLOCK < end; index++) {
      const block = await this.block(index);
      const from = Math.max(start - index * BLOCK, 0);
      parts.push(block.subarray(from, Math.min(end - index * BLOCK, block.length)));
    }
    return Buffer.concat(parts);
  }

  private block(index: number): Promise<Buffer> {
    let block = this.blocks.get(index);
    if (!block) {
      block = collect(this.source.stream(index * BLOCK, Math.min(this.source.size, (index + 1) * BLOCK)));
      this.blocks.set(index, block);
      if (this.blocks.size > 2) this.blocks.delete(this.blocks.keys().next().value!);
    }
    return block;
  }
}

/** Logs what yauzl said (the detail a client never sees) and returns our own error for it. */
function refusal<E extends Error>(ours: E, library: unknown): E {
  logger.info('archive refused', { reason: ours.message, detail: (library as Error | undefined)?.message ?? String(library) });
  return ours;
}

/**
 * Opens an archive for entry-by-entry reading (lazyEntries, sizes validated by yauzl too, names left raw
 * so {@link entryNameProblem} judges them).
 * @throws 400 when the bytes are not a ZIP archive
 */
export async function openArchive(source: RangeSource): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(new SourceReader(source), source.size,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (error, zip) => (error ? reject(refusal(badRequest('Not a valid ZIP archive: its end of central directory record is missing or damaged'), error)) : resolve(zip)));
  });
}

/**
 * Why an entry name is unsafe to unpack, or undefined when it is fine. Refused: backslashes (a Windows
 * separator that could hide `..\`), absolute paths (`/x`, `C:x`), `..` segments, control characters,
 * names over the length cap.
 */
export function entryNameProblem(name: string, maxLength: number): string | undefined {
  if (name.length > maxLength) return `name longer than ${maxLength} characters`;
  if (name.includes('\\')) return 'backslash in name';
  if (/^\//.test(name) || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split('/').includes('..')) return 'path escapes the archive (..)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control character in name';
  return undefined;
}

/** An entry worth inflating. */
export interface PlannedEntry { name: string; entry: yauzl.Entry }
/** What the central directory says, once every check passed. */
export interface ArchivePlan {
  entries: PlannedEntry[];
  /** Entries not unpacked, with the reason (directories are left out silently). */
  skipped: Array<{ entry: string; reason: string }>;
  /** Sum of the declared uncompressed sizes of `entries`, bytes. */
  totalBytes: number;
}

const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 0)} MiB`;

/**
 * Walks the central directory and decides, before inflating a byte, whether the archive is acceptable.
 * Hidden files and macOS resource forks (`.x`, `__MACOSX/`), encrypted entries and unsupported
 * compression methods are skipped with a reason; everything else must pass every cap.
 * @throws 413 for too many entries or too many bytes; 422 for unsafe names, bomb-like ratios or overlapping entries; 400 for a damaged directory
 */
export async function inspectArchive(zip: yauzl.ZipFile, archiveSize: number, limits: ArchiveLimits): Promise<ArchivePlan> {
  if (zip.entryCount > limits.maxEntries) {
    throw payloadTooLarge(`The archive has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
  }
  const plan: ArchivePlan = { entries: [], skipped: [], totalBytes: 0 };
  const extents: Array<[number, number]> = [];
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => { zip.removeAllListeners('entry'); reject(error); };
    zip.on('error', (error: Error) => fail(error instanceof DomainError ? error : refusal(badRequest('Damaged ZIP archive: its central directory cannot be read'), error)));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, true);
      const problem = entryNameProblem(name, limits.maxEntryNameLength);
      if (problem) return fail(unprocessable(`Unsafe entry "${name.slice(0, 200)}": ${problem}; nothing was unpacked`));
      extents.push([entry.relativeOffsetOfLocalHeader, entry.relativeOffsetOfLocalHeader + 30 + entry.fileNameLength + entry.compressedSize]);
      const base = name.split('/').pop()!;
      if (name.endsWith('/')) return zip.readEntry();
      if (name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX')) {
        plan.skipped.push({ entry: name, reason: 'hidden or system file' });
        return zip.readEntry();
      }
      if (entry.isEncrypted()) { plan.skipped.push({ entry: name, reason: 'encrypted' }); return zip.readEntry(); }
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        plan.skipped.push({ entry: name, reason: `unsupported compression method ${entry.compressionMethod}` });
        return zip.readEntry();
      }
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        return fail(payloadTooLarge(`Entry "${name}" is ${MiB(entry.uncompressedSize)} uncompressed; the limit per entry is ${MiB(limits.maxEntryBytes)}; nothing was unpacked`));
      }
      if (entry.uncompressedSize > limits.ratioExemptBytes && entry.uncompressedSize > limits.maxRatio * Math.max(entry.compressedSize, 1)) {
        return fail(unprocessable(`Entry "${name}" expands ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))}:1; the limit is ${limits.maxRatio}:1 (zip bomb?); nothing was unpacked`));
      }
      plan.totalBytes += entry.uncompressedSize;
      if (plan.totalBytes > limits.maxTotalBytes) {
        return fail(payloadTooLarge(`The archive holds more than ${MiB(limits.maxTotalBytes)} uncompressed; nothing was unpacked`));
      }
      if (base) plan.entries.push({ name, entry });
      zip.readEntry();
    });
    zip.readEntry();
  }).finally(() => { zip.removeAllListeners(); zip.on('error', () => undefined); });
  if (plan.totalBytes > limits.ratioExemptBytes && plan.totalBytes > limits.maxRatio * archiveSize) {
    throw unprocessable(`The archive expands ${Math.round(plan.totalBytes / archiveSize)}:1; the limit is ${limits.maxRatio}:1 (zip bomb?); nothing was unpacked`);
  }
  extents.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < extents.length; i++) {
    if (extents[i]![0] < extents[i - 1]![1]) throw unprocessable('Entries of the archive overlap (a zip bomb technique); nothing was unpacked');
  }
  return plan;
}

/** Thrown when an entry's data contradicts its header or is damaged: the archive is refused as a whole. */
export class ArchiveContentError extends DomainError {
  constructor(message: string) {
    super(422, message);
    this.name = 'ArchiveContentError';
  }
}

/**
 * Inflates one entry into memory (at most its declared size, itself at most the per-entry cap), counting
 * bytes as they come: one byte more than declared aborts the inflate at once.
 * @throws ArchiveContentError when the entry yields more or fewer bytes than declared, or its data is corrupt
 */
export async function readEntry(zip: yauzl.ZipFile, planned: PlannedEntry, limits: ArchiveLimits): Promise<Buffer> {
  const { entry, name } = planned;
  const cap = Math.min(entry.uncompressedSize, limits.maxEntryBytes);
  let stream: Readable;
  try {
    stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))));
  } catch (error) {
    throw refusal(new ArchiveContentError(`Entry "${name}" cannot be read: its local header is damaged or does not match the central directory; the archive was refused`), error);
  }
  const chunks: Buffer[] = [];
  let count = 0;
  try {
    for await (const chunk of stream) {
      count += (chunk as Buffer).length;
      if (count > cap) {
        stream.destroy();
        throw new ArchiveContentError(`Entry "${name}" inflates to more than the ${entry.uncompressedSize} bytes its header declares; the archive was refused`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof ArchiveContentError) throw error;
    const message = (error as Error).message;
    throw refusal(new ArchiveContentError(/too many bytes/.test(message)
      ? `Entry "${name}" inflates to more than the ${entry.uncompressedSize} bytes its header declares; the archive was refused`
      : `Entry "${name}" is damaged: its compressed data does not inflate; the archive was refused`), error);
  }
  if (count !== entry.uncompressedSize) {
    throw new ArchiveContentError(`Entry "${name}" inflates to ${count} bytes, not the ${entry.uncompressedSize} its header declares; the archive was refused`);
  }
  return Buffer.concat(chunks, count);
}
