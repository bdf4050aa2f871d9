/**
 * The committed package-lock.json is the one `npm install` writes (DESIGN.md §8: "keep the lockfile"):
 * `npm ci` installs exactly the committed tree, so a lockfile that install rewrites (e.g. one missing the
 * optional platform packages such as `@swc/core-darwin-*` that npm records for every platform) would
 * leave other platforms without them. `npm test` runs after `npm install`, so when install changed the
 * lockfile this test fails until the normalised file is committed. Outside a git checkout (a source
 * archive, CodeBuild's zipped source) there is nothing to compare with, and it is skipped.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/manifest';

/** The lockfile as committed at HEAD, or undefined when there is no git, no checkout, or no such file there. */
function committedLockfile(): string | undefined {
  try {
    return execFileSync('git', ['show', 'HEAD:package-lock.json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

const committed = committedLockfile();

(committed === undefined ? it.skip : it)('package-lock.json is what is committed: npm install left it unchanged', () => {
  const current = readFileSync(join(ROOT, 'package-lock.json'), 'utf8');
  if (current !== committed) {
    const now = JSON.parse(current) as { packages?: Record<string, unknown> };
    const then = JSON.parse(committed!) as { packages?: Record<string, unknown> };
    const added = Object.keys(now.packages ?? {}).filter((name) => !(name in (then.packages ?? {})));
    const removed = Object.keys(then.packages ?? {}).filter((name) => !(name in (now.packages ?? {})));
    throw new Error(
      'npm install rewrote package-lock.json: commit the lockfile it wrote (git add package-lock.json), so `npm ci` installs the same tree everywhere.\n'
      + `packages added: ${added.slice(0, 20).join(', ') || 'none'}${added.length > 20 ? ` and ${added.length - 20} more` : ''}\n`
      + `packages removed: ${removed.slice(0, 20).join(', ') || 'none'}${removed.length > 20 ? ` and ${removed.length - 20} more` : ''}`,
    );
  }
  expect(current).toBe(committed);
});
