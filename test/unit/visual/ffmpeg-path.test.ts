/** Where the video analyser finds ffmpeg: the setting, the layer on Lambda's PATH, else the npm package. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from '../../../functions/visual/lib/analysers/ffmpeg';

const saved = { ...process.env };
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ffmpeg-path-')); });
afterEach(() => { process.env = { ...saved }; rmSync(dir, { recursive: true, force: true }); });

function layerBin(): string {
  const bin = join(dir, 'opt/bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'ffmpeg'), '#!/bin/sh\n');
  chmodSync(join(bin, 'ffmpeg'), 0o755);
  return bin;
}

/**
 * Lambda's PATH (/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin) with stand-ins for the system
 * directories, which on Lambda hold no ffmpeg: this machine's own /usr/bin/ffmpeg, if any, stays out.
 */
function lambdaPath(): string {
  const system = ['var/lang/bin', 'usr/local/bin', 'usr/bin', 'bin'].map((d) => join(dir, d));
  for (const d of system) mkdirSync(d, { recursive: true });
  return [...system, layerBin()].join(':');
}

it('takes FFMPEG_PATH first', () => {
  process.env.FFMPEG_PATH = '/somewhere/ffmpeg';
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'darkroom-visual-analyse';
  expect(ffmpegPath()).toBe('/somewhere/ffmpeg');
});

it('in a Lambda environment, finds the layer binary on PATH (Lambda ends PATH in /opt/bin)', () => {
  delete process.env.FFMPEG_PATH;
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'darkroom-visual-analyse';
  process.env.PATH = lambdaPath();
  expect(ffmpegPath()).toBe(join(dir, 'opt/bin/ffmpeg'));
});

it('outside Lambda, uses the @ffmpeg-installer/ffmpeg binary', () => {
  delete process.env.FFMPEG_PATH;
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  process.env.PATH = `/usr/bin:/bin:${layerBin()}`;
  expect(ffmpegPath()).toMatch(/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
});
