import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { ZipFile } from 'yazl';

/** A fixed timestamp for every entry, so the same inputs give the same zip (and Terraform's source_code_hash). */
const EPOCH = new Date('2020-01-01T00:00:00Z');

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Writes a deterministic zip of `files` (zip path -> absolute source path, or a directory to add recursively;
 * optionally the Unix permission bits, 0o644 unless given, e.g. 0o755 for an executable).
 * @returns the zip's size in bytes
 */
export async function writeZip(target: string, files: Array<[zipPath: string, source: string, mode?: number]>): Promise<number> {
  await mkdir(dirname(target), { recursive: true });
  const zip = new ZipFile();
  for (const [zipPath, source, permissions = 0o644] of files) {
    const mode = 0o100000 | permissions;
    if ((await stat(source)).isDirectory()) {
      for await (const file of walk(source)) {
        zip.addBuffer(await readFile(file), join(zipPath, relative(source, file)), { mtime: EPOCH, mode });
      }
    } else {
      zip.addBuffer(await readFile(source), zipPath, { mtime: EPOCH, mode });
    }
  }
  zip.end();
  await new Promise<void>((done, fail) => zip.outputStream.pipe(createWriteStream(target)).on('close', done).on('error', fail));
  return (await stat(target)).size;
}
