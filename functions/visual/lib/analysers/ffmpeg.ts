import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isLocal, optionalEnv } from '@darkroom/runtime';
import { UnanalysableFileError } from './types';

/** Where the ffmpeg layer (layers/ffmpeg) puts the binary on Lambda. */
export const LAYER_FFMPEG_PATH = '/opt/bin/ffmpeg';

/**
 * The ffmpeg binary:
 * 1. `FFMPEG_PATH` when set;
 * 2. in a Lambda execution environment (AWS_LAMBDA_FUNCTION_NAME set), the first `ffmpeg` on PATH, which
 *    Lambda sets to `/usr/local/bin:/usr/bin/:/bin:/opt/bin` ("Defined runtime environment variables",
 *    https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html), so the layer's
 *    /opt/bin/ffmpeg; artefact mode lays PATH out the same way;
 * 3. otherwise (the local stack from source, tests, benchmarks) the linux-x64 binary of the
 *    `@ffmpeg-installer/ffmpeg` package.
 */
export function ffmpegPath(): string {
  const configured = optionalEnv('FFMPEG_PATH');
  if (configured) return configured;
  if (optionalEnv('AWS_LAMBDA_FUNCTION_NAME')) {
    const onPath = (optionalEnv('PATH') ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'ffmpeg')).find((file) => existsSync(file));
    if (onPath) return onPath;
    if (!isLocal()) return LAYER_FFMPEG_PATH;
  }
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/** Decoded frames of a video: grey-level samples of `width` x `height` px, each with its presentation time. */
export interface SampledVideo {
  /** The video's own size and duration (seconds), from ffmpeg's stream header. */
  width: number;
  height: number;
  duration: number;
  /** Size of each sample, px. */
  sampleWidth: number;
  sampleHeight: number;
  frames: Array<{ time: number; pixels: Uint8Array }>;
  /** True when the video is longer than `maxSeconds` and only its beginning was decoded. */
  truncated: boolean;
}

/** Options of {@link sampleFrames}. */
export interface SampleOptions {
  /** Seconds decoded from the start. */
  maxSeconds: number;
  /** Sample size, px (the frame is scaled to it, aspect ignored: the checks compare whole frames). */
  sampleWidth?: number;
  sampleHeight?: number;
  /** Kill ffmpeg after this many ms. Default 120 s. */
  timeoutMs?: number;
}

/**
 * Decodes every frame of a video with ffmpeg (spawned binary, see {@link ffmpegPath}) into small grey
 * samples, keeping each frame's timestamp (`-vsync 0` passes frames through as they are, so repeated or
 * dropped frames stay visible; `showinfo` prints each one's `pts_time`). The file goes through a temporary
 * file, since MP4s with their index at the end cannot be read from a pipe.
 * @throws UnanalysableFileError when ffmpeg cannot decode it or it has no video frame
 */
export async function sampleFrames(bytes: Buffer, options: SampleOptions): Promise<SampledVideo> {
  const sampleWidth = options.sampleWidth ?? 96;
  const sampleHeight = options.sampleHeight ?? 96;
  const input = join(tmpdir(), `darkroom-visual-${randomUUID()}`);
  await writeFile(input, bytes);
  try {
    const args = [
      '-hide_banner', '-nostdin', '-v', 'info', '-t', String(options.maxSeconds), '-i', input, '-map', '0:v:0', '-an', '-sn',
      '-vf', `scale=${sampleWidth}:${sampleHeight}:flags=area,format=gray,showinfo`, '-vsync', '0', '-f', 'rawvideo', 'pipe:1',
    ];
    const { stdout, stderr, code } = await run(ffmpegPath(), args, options.timeoutMs ?? 120_000);
    const frameBytes = sampleWidth * sampleHeight;
    const times = [...stderr.matchAll(/\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+)/g)].map((m) => Number(m[1]));
    const count = Math.min(times.length, Math.floor(stdout.length / frameBytes));
    if (code !== 0 || count === 0) {
      const reason = /Invalid data found|moov atom not found|does not contain any stream|Output file #0 does not contain/.exec(stderr)?.[0] ?? `ffmpeg exited with ${code}`;
      throw new UnanalysableFileError(`not a decodable video: ${reason}`);
    }
    const stream = /Stream #0:\d+.*?: Video: .*?(\d{2,5})x(\d{2,5})/.exec(stderr);
    const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
    const seconds = duration ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]) : times[count - 1]!;
    return {
      width: stream ? Number(stream[1]) : sampleWidth,
      height: stream ? Number(stream[2]) : sampleHeight,
      duration: seconds,
      sampleWidth, sampleHeight,
      frames: Array.from({ length: count }, (_, i) => ({ time: times[i]!, pixels: stdout.subarray(i * frameBytes, (i + 1) * frameBytes) })),
      truncated: seconds > options.maxSeconds + 0.05,
    };
  } finally {
    await rm(input, { force: true });
  }
}

/** Runs a command, collecting stdout (binary) and stderr (text). Kills it after `timeoutMs`. */
export function run(command: string, args: string[], timeoutMs: number, stdin?: Buffer): Promise<{ stdout: Buffer; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code }); });
    if (stdin) child.stdin!.end(stdin);
  });
}
