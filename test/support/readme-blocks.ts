/**
 * The shell blocks of the documentation (README.md and docs/*.md), as the README-blocks test runs them:
 * every fenced block whose info string is `sh` or `bash`, in order, unless the line before its fence
 * (blank lines aside) is `<!-- readme-test: skip -->`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The marker that keeps the next shell block out of the README-blocks test. */
export const SKIP_MARKER = '<!-- readme-test: skip -->';

/** One fenced shell block. */
export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's text, without the fences. */
  code: string;
  /** Whether {@link SKIP_MARKER} precedes it. */
  skip: boolean;
}

/**
 * The fenced `sh`/`bash` blocks of a Markdown text, in order. A fence is three or more backticks at the
 * start of a line (CommonMark allows up to three spaces of indentation); the block ends at a fence at
 * least as long.
 */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence}\`*\\s*$`).test(lines[end]!)) end++;
    if (open[2] === 'sh' || open[2] === 'bash') {
      let before = i - 1;
      while (before >= 0 && lines[before]!.trim() === '') before--;
      blocks.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n'), skip: before >= 0 && lines[before]!.trim() === SKIP_MARKER });
    }
    i = end;
  }
  return blocks;
}

/** README.md, then docs/*.md in name order: the files whose shell blocks the test runs (paths from `root`). */
export function documentationFiles(root: string): string[] {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`) : [];
  return ['README.md', ...docs].filter((file) => existsSync(join(root, file)));
}

/** The shell blocks of one documentation file. */
export const blocksOf = (root: string, file: string): ShellBlock[] => shellBlocks(readFileSync(join(root, file), 'utf8'));
