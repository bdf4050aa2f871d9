import { LIMITS, type Finding, type Region } from '../model';
import { sampleFrames, type SampledVideo } from './ffmpeg';
import { score, type AnalysableFile, type Analyser } from './types';

/** Thresholds of the built-in video analyser, each with its source. Frame differences are mean absolute grey-level differences as a fraction of the range (ffmpeg's MAFD). */
export const VIDEO_THRESHOLDS = {
  /**
   * Frozen frames: no frame differs from the previous by more than 0.001 (-60 dB) for 2 s or more: the
   * defaults of ffmpeg's own `freezedetect` filter (noise=-60dB, duration=2).
   */
  freezeNoise: 0.001,
  freezeSeconds: 2,
  /**
   * Flashing: WCAG 2.x SC 2.3.1 "Three Flashes or Below Threshold" general flash threshold: a flash is a
   * pair of opposing changes in relative luminance of 10 % or more of the maximum where the darker state
   * is below 0.80; more than three flashes in any one-second period fail
   * (https://www.w3.org/TR/WCAG21/#dfn-general-flash-and-red-flash-thresholds). Whole-frame mean
   * luminance stands for "a combined area ≥ 25 % of the field of view".
   */
  flashDelta: 0.1,
  flashDarkerBelow: 0.8,
  maxFlashesPerSecond: 3,
  /** Motion: a frame differing from the previous by more than 0.002 is changing (twice the freeze noise). */
  motion: 0.002,
  /**
   * Transitions longer than 500 ms: Material Design's motion guidance keeps screen transitions at about
   * 300 ms on mobile and within 200-500 ms ("Speed", material.io/design/motion/speed.html); Seenomaly's
   * guideline set (Zhao et al., ICSE 2020) derives from the same Material Design "don'ts".
   */
  maxTransitionSeconds: 0.5,
  /**
   * Abrupt transition: a whole-screen change of 15 % or more of the grey range between two frames, with
   * no motion before or after it: a cut where Material Design asks for an animated transition.
   */
  abruptChange: 0.15,
  /**
   * Stutter: within a transition, a frame repeated (no change) between moving frames, twice or more, or a
   * timestamp gap over 2.5x the median frame interval (a dropped frame, or several).
   */
  stutterRepeats: 2,
  droppedGapFactor: 2.5,
} as const;

/** sRGB-encoded grey (0-255) to linear light, as WCAG's relative luminance uses. */
const LINEAR = Array.from({ length: 256 }, (_, v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });

/** Per-frame measures: mean absolute difference to the previous frame (0..1) and mean relative luminance (0..1). */
export function frameMeasures(video: SampledVideo): { times: number[]; diffs: number[]; luminance: number[] } {
  const times = video.frames.map((f) => f.time);
  const luminance = video.frames.map((f) => { let sum = 0; for (const p of f.pixels) sum += LINEAR[p]!; return sum / f.pixels.length; });
  const diffs = video.frames.map((frame, i) => {
    if (i === 0) return 0;
    const previous = video.frames[i - 1]!.pixels;
    let sum = 0;
    for (let p = 0; p < frame.pixels.length; p++) sum += Math.abs(frame.pixels[p]! - previous[p]!);
    return sum / frame.pixels.length / 255;
  });
  return { times, diffs, luminance };
}

/** Runs of consecutive indices (1..n-1) where `test(i)` holds, allowing up to `gap` failing indices inside a run. */
function runs(n: number, test: (i: number) => boolean, gap = 0): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  let start = -1; let last = -1;
  for (let i = 1; i < n; i++) {
    if (!test(i)) continue;
    if (start >= 0 && i - last - 1 <= gap) { last = i; continue; }
    if (start >= 0) found.push({ start, end: last });
    start = i; last = i;
  }
  if (start >= 0) found.push({ start, end: last });
  return found;
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

/**
 * Finds animation problems in a sampled video (thresholds in {@link VIDEO_THRESHOLDS}): frozen frames,
 * flashing, stutter (repeated or dropped frames during motion), too-long and too-abrupt transitions.
 * Every finding covers the whole frame (`region`) and gives the time it starts (`frame_time`, seconds).
 */
export function videoFindings(video: SampledVideo): Finding[] {
  const t = VIDEO_THRESHOLDS;
  const { times, diffs, luminance } = frameMeasures(video);
  const n = times.length;
  const region: Region = { x: 0, y: 0, width: video.width, height: video.height };
  const end = n ? times[n - 1]! + (n > 1 ? times[n - 1]! - times[n - 2]! : 0) : 0;
  const findings: Finding[] = [];

  // Frozen: the stretch from a frame through every following unchanged frame lasts freezeSeconds or more.
  for (const run of runs(n, (i) => diffs[i]! <= t.freezeNoise)) {
    const from = times[run.start - 1]!;
    const until = run.end + 1 < n ? times[run.end + 1]! : end;
    if (until - from >= t.freezeSeconds) {
      findings.push({ category: 'frozen_frames', score: score(0.6 + (until - from - t.freezeSeconds) / 10), region, frame_time: round(from), detail: `no change for ${(until - from).toFixed(2)} s` });
    }
  }

  // Flashing: luminance extremes with hysteresis flashDelta; each swing between extremes with its darker side below 0.8 is a change.
  const changes: number[] = [];
  let reference = luminance[0] ?? 0; let direction = 0;
  for (let i = 1; i < n; i++) {
    const l = luminance[i]!;
    if ((direction === 1 && l > reference) || (direction === -1 && l < reference)) { reference = l; continue; }
    if (Math.abs(l - reference) >= t.flashDelta && Math.min(l, reference) < t.flashDarkerBelow) {
      changes.push(times[i]!);
      direction = l > reference ? 1 : -1;
      reference = l;
    }
  }
  const flashWindows: Array<[number, number]> = [];
  for (let i = 0; i < changes.length; i++) {
    let j = i;
    while (j + 1 < changes.length && changes[j + 1]! - changes[i]! < 1) j++;
    const flashes = (j - i + 1) / 2;
    if (flashes > t.maxFlashesPerSecond) {
      const last = flashWindows[flashWindows.length - 1];
      if (last && changes[i]! <= last[1]) last[1] = changes[j]!;
      else flashWindows.push([changes[i]!, changes[j]!]);
    }
  }
  for (const [from, until] of flashWindows) {
    const count = changes.filter((c) => c >= from && c <= until).length / 2;
    findings.push({ category: 'flashing', score: score(0.7 + count / 30), region, frame_time: round(from), detail: `${count} flashes between ${from.toFixed(2)} s and ${until.toFixed(2)} s; WCAG 2.3.1 allows 3 per second` });
  }
  const inFlash = (time: number) => flashWindows.some(([from, until]) => time >= from - 0.1 && time <= until + 0.1);

  // Transitions: runs of motion (a one-frame pause allowed inside), their length, repeats and gaps.
  const intervals = times.slice(1).map((time, i) => time - times[i]!).sort((a, b) => a - b);
  const medianInterval = intervals.length ? intervals[Math.floor(intervals.length / 2)]! : 0;
  for (const run of runs(n, (i) => diffs[i]! > t.motion, 1)) {
    const from = times[run.start - 1]!;
    const until = times[run.end]!;
    if (inFlash(from) || inFlash(until)) continue;
    const length = until - from;
    const single = run.start === run.end;
    if (single && diffs[run.start]! >= t.abruptChange) {
      findings.push({ category: 'abrupt_transition', score: score(0.5 + diffs[run.start]!), region, frame_time: round(times[run.start]!), detail: `${(diffs[run.start]! * 100).toFixed(0)} % of the screen changed in one frame` });
      continue;
    }
    if (length > t.maxTransitionSeconds) {
      findings.push({ category: 'long_transition', score: score(0.5 + (length - t.maxTransitionSeconds) / 2), region, frame_time: round(from), detail: `motion for ${length.toFixed(2)} s; Material Design keeps transitions within ${t.maxTransitionSeconds * 1000} ms` });
    }
    let repeats = 0;
    let gaps = 0;
    for (let i = run.start; i <= run.end; i++) {
      if (i > run.start && i < run.end && diffs[i]! <= t.freezeNoise) repeats++;
      if (medianInterval > 0 && times[i]! - times[i - 1]! > t.droppedGapFactor * medianInterval) gaps++;
    }
    if (repeats >= t.stutterRepeats || gaps > 0) {
      findings.push({ category: 'stutter', score: score(0.5 + (repeats + gaps) / 10), region, frame_time: round(from), detail: `${repeats} repeated and ${gaps} dropped frame(s) during motion` });
    }
  }
  if (video.truncated) {
    findings.push({ category: 'truncated_video', score: 1, region, frame_time: round(times[n - 1] ?? 0), detail: `only the first ${LIMITS.maxVideoSeconds} s of ${video.duration.toFixed(1)} s were analysed` });
  }
  return findings.sort((a, b) => (a.frame_time ?? 0) - (b.frame_time ?? 0));
}

/** The built-in screen-recording analyser: ffmpeg samples every frame, {@link videoFindings} checks them. */
export class BuiltinVideoAnalyser implements Analyser {
  readonly name = 'builtin-video';

  async analyse(file: AnalysableFile): Promise<Finding[]> {
    return videoFindings(await sampleFrames(file.bytes, { maxSeconds: LIMITS.maxVideoSeconds }));
  }
}
