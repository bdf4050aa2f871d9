import { videoFindings, VIDEO_THRESHOLDS } from '../../../functions/visual/lib/analysers/video';
import type { SampledVideo } from '../../../functions/visual/lib/analysers/ffmpeg';

const SIZE = 16;
/** A synthetic sampled video: one grey level per frame (or per-frame pixel arrays), at `fps`. */
function video(levels: Array<number | Uint8Array>, fps = 30, times?: number[]): SampledVideo {
  return {
    width: 320, height: 240, duration: levels.length / fps, sampleWidth: SIZE, sampleHeight: SIZE, truncated: false,
    frames: levels.map((level, i) => ({ time: times?.[i] ?? i / fps, pixels: typeof level === 'number' ? new Uint8Array(SIZE * SIZE).fill(level) : level })),
  };
}
const hold = (level: number, frames: number) => Array<number>(frames).fill(level);
const ramp = (from: number, to: number, frames: number) => Array.from({ length: frames }, (_, i) => Math.round(from + ((to - from) * (i + 1)) / frames));
const categories = (v: SampledVideo) => videoFindings(v).map((f) => f.category);

describe('video checks', () => {
  it('reports nothing for screens held under 2 s and changed by 300 ms transitions', () => {
    expect(videoFindings(video([...hold(200, 45), ...ramp(200, 120, 9), ...hold(120, 40), ...ramp(120, 200, 9), ...hold(200, 30)]))).toEqual([]);
  });

  it('reports frozen frames after 2 s without change (ffmpeg freezedetect defaults), with the time they start', () => {
    const findings = videoFindings(video([...ramp(50, 200, 9), ...hold(200, 70)]));
    expect(findings.map((f) => [f.category, f.frame_time])).toEqual([['frozen_frames', 0.267]]);
    expect(categories(video([...ramp(50, 200, 9), ...hold(200, 55)]))).toEqual([]);
  });

  it('reports flashing above 3 flashes a second (WCAG 2.3.1), and not 2 a second', () => {
    const flashes = (period: number, seconds: number) => Array.from({ length: seconds * 30 }, (_, k) => (Math.floor(k / period) % 2 ? 0 : 230));
    const fast = videoFindings(video([...hold(230, 15), ...flashes(3, 2), ...hold(230, 15)]));
    expect(fast.map((f) => f.category)).toEqual(['flashing']);
    expect(fast[0]!.frame_time).toBeCloseTo(0.6, 2); // the first swing to black, 3 frames into the flashing
    // Two flashes a second: allowed by WCAG (reported as abrupt cuts, not flashing).
    expect(categories(video([...hold(230, 15), ...flashes(8, 2), ...hold(230, 15)]))).not.toContain('flashing');
    // Opposing changes of less than 10 % of the luminance range are not flashes.
    expect(categories(video(flashes(3, 2).map((v) => (v ? 130 : 120))))).not.toContain('flashing');
  });

  it('reports a long transition, an abrupt cut and stutter, each at its time', () => {
    expect(videoFindings(video([...hold(200, 30), ...ramp(200, 100, 30), ...hold(100, 30)])).map((f) => [f.category, f.frame_time])).toEqual([['long_transition', 0.967]]);
    expect(videoFindings(video([...hold(200, 30), ...hold(40, 30)])).map((f) => [f.category, f.frame_time])).toEqual([['abrupt_transition', 1]]);
    const stuttering = [...hold(200, 30), 190, 180, 180, 170, 160, 160, 150, 140, ...hold(140, 30)];
    expect(categories(video(stuttering))).toEqual(['stutter']);
    const times = [...Array.from({ length: 34 }, (_, i) => i / 30)];
    times[33] = times[32]! + 0.2; // a 200 ms gap inside the motion: dropped frames
    expect(categories(video([...hold(200, 30), 190, 180, 170, 160], 30, times))).toEqual(['stutter']);
  });

  it('uses the documented thresholds', () => {
    expect(VIDEO_THRESHOLDS).toMatchObject({ freezeNoise: 0.001, freezeSeconds: 2, flashDelta: 0.1, flashDarkerBelow: 0.8, maxFlashesPerSecond: 3 });
  });
});
