/**
 * `npm run bench`: every benchmark, each in its own process so one's memory does not colour the next's
 * peak RSS. Prints each benchmark's figures; a failing benchmark fails the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../manifest';

const BENCHES = ['thumbnails.ts', 'cold-init.ts', 'pipeline.ts', 'api.ts', 'unzip.ts', 'social-free-slots.ts', 'datasets-export.ts', 'datasets-generation.ts', 'visual.ts', 's3-identity-upload.ts'];

for (const bench of BENCHES) {
  const path = join(ROOT, 'scripts/bench', bench);
  if (!existsSync(path)) continue;
  const run = spawnSync(process.execPath, ['--import', 'tsx', path], { stdio: 'inherit', cwd: ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  if (run.status !== 0) process.exit(run.status ?? 1);
  console.log('');
}
