/**
 * Visual analysers benchmark (`npm run bench`): on the labelled set of scripts/bench/visual-cases.ts
 * (24 screenshots: 4 each of clean, blank, blurred, low-contrast, null label, missing image; 6 screen
 * recordings: 2 each of clean, frozen, flashing) it prints
 * - precision and recall per category and overall (the goal: >= 0.85 / 0.85, OwlEye's published level);
 * - images/s of the built-in image analyser next to bare sharp decoding of the same files (ratio);
 * - video seconds analysed per second of the built-in video analyser next to a bare ffmpeg decode of the
 *   same files (`ffmpeg -i <file> -f null -`), over the generated recordings and the two fixture videos.
 * One file at a time, as the worker (batch size 1) does; the OCR worker is created once, before timing.
 */
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openImage } from '@darkroom/media';
import { ffmpegPath, run, sampleFrames } from '../../functions/visual/lib/analysers/ffmpeg';
import { BuiltinImageAnalyser } from '../../functions/visual/lib/analysers/image';
import { readText, stopOcr } from '../../functions/visual/lib/analysers/ocr';
import { BuiltinVideoAnalyser } from '../../functions/visual/lib/analysers/video';
import { IMAGE_CATEGORIES, LIMITS } from '../../functions/visual/lib/model';
import { ROOT } from '../manifest';
import { screenshotCases, scorePredictions, videoCases, type LabelledCase } from './visual-cases';

const pct = (value: number) => `${(value * 100).toFixed(0)}%`.padStart(5);

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main(): Promise<void> {
  // `npm run bench -- --quick`: one case per category (precision and recall are then only a smoke check).
  const quick = process.env.DARKROOM_BENCH_QUICK === '1';
  const generated = await timed(async () => [...await screenshotCases(quick ? 1 : 4), ...await videoCases(quick ? 1 : 2)]);
  const cases = generated.value;
  console.log(`visual analysers: ${cases.length} labelled cases generated in ${generated.seconds.toFixed(1)} s`);
  const image = new BuiltinImageAnalyser();
  const video = new BuiltinVideoAnalyser();
  await readText(await openImage(cases[0]!.bytes).png().toBuffer()); // OCR worker and OpenCV warm, as after a cold start

  const results: Array<{ name: string; labels: string[]; predicted: string[] }> = [];
  let imageSeconds = 0;
  let videoAnalysisSeconds = 0;
  const images = cases.filter((c) => c.kind === 'image');
  const videos: LabelledCase[] = [
    ...cases.filter((c) => c.kind === 'video'),
    ...['photo.mp4', 'crossfade_720p.mp4'].map((name) => ({ name, kind: 'video' as const, contentType: 'video/mp4', bytes: readFileSync(join(ROOT, 'test/fixtures/video', name)), labels: [] })),
  ];
  for (const c of [...images, ...videos]) {
    const analyser = c.kind === 'image' ? image : video;
    const { value: findings, seconds } = await timed(() => analyser.analyse({ bytes: c.bytes, fileName: c.name, contentType: c.contentType, kind: c.kind }));
    if (c.kind === 'image') imageSeconds += seconds; else videoAnalysisSeconds += seconds;
    if (!c.name.endsWith('.mp4')) results.push({ name: c.name, labels: c.labels, predicted: [...new Set(findings.map((f) => f.category))] });
  }
  await stopOcr();

  const categories = [...IMAGE_CATEGORIES, 'frozen_frames', 'flashing'];
  const { perCategory, overall } = scorePredictions(results, categories);
  console.log('\ncategory          precision  recall   tp  fp  fn');
  for (const s of [...perCategory, overall]) {
    console.log(`${s.category.padEnd(18)}${pct(s.precision).padStart(9)}${pct(s.recall).padStart(8)}${String(s.truePositives).padStart(5)}${String(s.falsePositives).padStart(4)}${String(s.falseNegatives).padStart(4)}`);
  }
  const misses = results.filter((r) => r.labels.join() !== r.predicted.filter((p) => categories.includes(p)).sort().join());
  if (misses.length) console.log(`misclassified: ${misses.map((m) => `${m.name} -> [${m.predicted.join(', ')}]`).join('; ')}`);

  // Bare sharp decode of the same screenshots, with Darkroom's decode options.
  const bareSharp = await timed(async () => { for (const c of images) await openImage(c.bytes).raw().toBuffer(); });
  // Bare ffmpeg decode of the same videos; and their length.
  let videoSeconds = 0;
  let bareFfmpeg = 0;
  for (const c of videos) {
    const file = `/tmp/darkroom-bench-${process.pid}-${c.name}.mp4`;
    await writeFile(file, c.bytes);
    const { seconds } = await timed(() => run(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], 60_000));
    bareFfmpeg += seconds;
    videoSeconds += (await sampleFrames(c.bytes, { maxSeconds: LIMITS.maxVideoSeconds, sampleWidth: 8, sampleHeight: 8 })).duration;
    await rm(file, { force: true });
  }
  const analysedImagesPerSecond = images.length / imageSeconds;
  const bareImagesPerSecond = images.length / bareSharp.seconds;
  console.log(`\nscreenshots: ${images.length} (720x1280 and 1280x800 PNG)`);
  console.log(`  image analyser      ${analysedImagesPerSecond.toFixed(2).padStart(8)} images/s   (${(1000 / analysedImagesPerSecond).toFixed(0)} ms each; OCR included)`);
  console.log(`  bare sharp decode   ${bareImagesPerSecond.toFixed(2).padStart(8)} images/s`);
  console.log(`  ratio analyser / bare decode: ${(analysedImagesPerSecond / bareImagesPerSecond).toFixed(3)}`);
  console.log(`recordings: ${videos.length} (${videoSeconds.toFixed(1)} s of video: ${videos.length - 2} generated 240x426, and the 1280x852 and 1280x720 fixtures)`);
  console.log(`  video analyser      ${(videoSeconds / videoAnalysisSeconds).toFixed(2).padStart(8)} video s/s`);
  console.log(`  bare ffmpeg decode  ${(videoSeconds / bareFfmpeg).toFixed(2).padStart(8)} video s/s`);
  console.log(`  ratio analyser / bare decode: ${(bareFfmpeg / videoAnalysisSeconds).toFixed(3)}`);
  if (overall.precision < 0.85 || overall.recall < 0.85) {
    console.log('overall precision or recall is below the 0.85 goal');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
