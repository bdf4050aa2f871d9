/** Artefact mode's build step: its progress is printed as it comes, and a failed build says why. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArtefacts } from '../../../scripts/local/artefacts';

const dir = mkdtempSync(join(tmpdir(), 'artefact-build-'));
const script = (name: string, source: string) => {
  const path = join(dir, `${name}.js`);
  writeFileSync(path, source);
  return path;
};

it('prints the build\'s lines as they come', async () => {
  const printed: string[] = [];
  await buildArtefacts((line) => printed.push(line), script('ok', 'console.log("[1/2] layer jwt"); console.log("[2/2] auth-user-login");'));
  expect(printed.slice(1)).toEqual(['  build: [1/2] layer jwt', '  build: [2/2] auth-user-login']);
});

it('gives a failed build\'s exit code and stderr', async () => {
  const failing = script('fails', 'console.log("[1/2] layer jwt"); console.error("esbuild: Could not resolve \\"nope\\""); process.exit(3);');
  await expect(buildArtefacts(() => undefined, failing)).rejects.toThrow(/^npm run build exited with code 3; stderr:\nesbuild: Could not resolve "nope"$/);
});

it('says which signal ended a build that printed nothing', async () => {
  const killed = script('killed', 'process.kill(process.pid, "SIGKILL");');
  await expect(buildArtefacts(() => undefined, killed)).rejects.toThrow('npm run build was killed by SIGKILL (out of memory?); it printed nothing');
});
