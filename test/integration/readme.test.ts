/**
 * Every shell block of README.md and docs/*.md runs as written against the local stack global-setup.ts
 * started, as a reader with a fresh clone would run them: in order, each file in one bash in the
 * repository root (later blocks use what earlier ones set), with PORT set to the stack's port as the
 * blocks expect (`${PORT:-3000}`). A block preceded by `<!-- readme-test: skip -->` is left out (it
 * starts the stack itself, or runs for minutes). The shell stops at the first failing command
 * (`set -euo pipefail`), and the test names the block and the command. The blocks leave no new files in
 * the repository.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/manifest';
import { blocksOf, documentationFiles } from '../support/readme-blocks';
import { stack } from '../support/stack';

/** Longest time one file's blocks may take (the README's walk takes about a minute on a loaded 2-core machine). */
const FILE_TIMEOUT_MS = 300_000;

/** The commands the README's blocks use besides bash's own (the README lists them). */
const TOOLS = ['curl', 'jq', 'md5sum', 'file', 'mktemp'];

/** Untracked files not ignored by git, or undefined outside a git checkout. */
function untracked(): string[] | undefined {
  try {
    return execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  } catch {
    return undefined;
  }
}

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs one file's blocks in one bash; `::block N::` lines on stdout mark where each block starts. */
function runBlocks(file: string, blocks: Array<{ line: number; code: string }>): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'readme-blocks-'));
  const script = [
    'set -euo pipefail',
    // What the README says the blocks need, named before anything runs.
    `for tool in ${TOOLS.join(' ')}; do command -v $tool > /dev/null || { echo "the documentation's shell blocks need $tool (install it)" >&2; exit 3; }; done`,
    'trap \'echo "failed at line $LINENO of the block: $BASH_COMMAND" >&2\' ERR',
  ];
  blocks.forEach((block, index) => {
    const path = join(dir, `block-${index + 1}.sh`);
    writeFileSync(path, `${block.code}\n`);
    script.push(`echo "::block ${index + 1} (${file} line ${block.line})::"`, `source ${JSON.stringify(path)}`);
  });
  script.push('echo "::all blocks ran::"');
  const port = new URL(stack().api).port;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script.join('\n')], { cwd: ROOT, env: { ...process.env, PORT: port }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), FILE_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

const files = documentationFiles(ROOT).map((file) => ({ file, blocks: blocksOf(ROOT, file).filter((block) => !block.skip) })).filter((f) => f.blocks.length);

it('finds shell blocks to run in the README', () => {
  expect(files.find((f) => f.file === 'README.md')?.blocks.length).toBeGreaterThan(3);
});

describe.each(files)('$file', ({ file, blocks }) => {
  it(`runs its ${blocks.length} shell block(s) as written against the local stack`, async () => {
    const before = untracked();
    const run = await runBlocks(file, blocks);
    const last = [...run.stdout.matchAll(/^::block (\d+) \((.*)\)::$/gm)].pop();
    const where = last ? `block ${last[1]} (${last[2]})` : 'before the first block';
    const tail = (text: string) => text.split('\n').slice(-30).join('\n');
    if (run.code !== 0 || !run.stdout.includes('::all blocks ran::')) {
      throw new Error(`${file}: ${where} failed (exit ${run.code})\n--- stderr ---\n${tail(run.stderr)}\n--- stdout ---\n${tail(run.stdout)}`);
    }
    const after = untracked();
    if (before && after) expect(after.filter((path) => !before.includes(path))).toEqual([]);
  }, FILE_TIMEOUT_MS + 10_000);
});
