/**
 * The analysers on the labelled set the benchmark also uses (scripts/bench/visual-cases.ts): each category
 * found at OwlEye's published level or better (precision and recall >= 0.85), on a smaller sample than
 * the benchmark's. Also: the fixtures' videos, and a file that is not what its name says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuiltinImageAnalyser } from '../../../functions/visual/lib/analysers/image';
import { stopOcr } from '../../../functions/visual/lib/analysers/ocr';
import { BuiltinVideoAnalyser } from '../../../functions/visual/lib/analysers/video';
import { UnanalysableFileError } from '../../../functions/visual/lib/analysers/types';
import { annotate } from '../../../functions/visual/lib/annotate';
import { IMAGE_CATEGORIES } from '../../../functions/visual/lib/model';
import { screenshotCases, scorePredictions, videoCases } from '../../../scripts/bench/visual-cases';
import sharp from 'sharp';

afterAll(() => stopOcr());
const image = new BuiltinImageAnalyser();
const video = new BuiltinVideoAnalyser();

it('finds each screenshot problem with precision and recall >= 0.85 and none on clean screens', async () => {
  const cases = await screenshotCases(2);
  const results = [];
  for (const c of cases) {
    const findings = await image.analyse({ bytes: c.bytes, fileName: c.name, contentType: c.contentType, kind: 'image' });
    results.push({ name: c.name, labels: c.labels as string[], predicted: [...new Set(findings.map((f) => f.category))] });
  }
  const { perCategory, overall } = scorePredictions(results, IMAGE_CATEGORIES);
  for (const score of perCategory) expect([score.category, score.precision >= 0.85, score.recall >= 0.85]).toEqual([score.category, true, true]);
  expect(overall.precision).toBeGreaterThanOrEqual(0.85);
  expect(results.filter((r) => r.name.startsWith('clean')).map((r) => r.predicted)).toEqual([[], []]);
}, 180_000);

it('draws the regions on an annotated copy the size of the original', async () => {
  const [missing] = (await screenshotCases(1)).filter((c) => c.name.startsWith('missing'));
  const findings = await image.analyse({ bytes: missing!.bytes, fileName: 'm.png', contentType: 'image/png', kind: 'image' });
  expect(findings.map((f) => f.category)).toEqual(['missing_image']);
  const annotated = await annotate(missing!.bytes, findings);
  const meta = await sharp(annotated).metadata();
  const original = await sharp(missing!.bytes).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['png', original.width, original.height]);
  const { x, y } = findings[0]!.region;
  const pixel = await sharp(annotated).extract({ left: x, top: y, width: 1, height: 1 }).removeAlpha().raw().toBuffer();
  expect([...pixel]).toEqual([0xf4, 0x43, 0x36]); // the missing_image outline colour
}, 60_000);

it('finds frozen and flashing recordings and nothing in clean ones, made with the ffmpeg binary', async () => {
  const cases = await videoCases(1);
  const predicted = [];
  for (const c of cases) predicted.push([c.name, [...new Set((await video.analyse({ bytes: c.bytes, fileName: c.name, contentType: c.contentType, kind: 'video' })).map((f) => f.category))]]);
  expect(predicted).toEqual([['video-clean-0', []], ['video-frozen-0', ['frozen_frames']], ['video-flashing-0', ['flashing']]]);
}, 120_000);

it('reads the fixture videos: a 3 s slow zoom (long transition), a 1 s cross-fade with repeated frames (stutter)', async () => {
  const read = (name: string) => readFileSync(join(__dirname, '../../fixtures/video', name));
  const zoom = await video.analyse({ bytes: read('photo.mp4'), fileName: 'photo.mp4', contentType: 'video/mp4', kind: 'video' });
  expect(zoom.map((f) => f.category)).toEqual(['long_transition']);
  expect(zoom[0]!.region).toEqual({ x: 0, y: 0, width: 1280, height: 852 });
  const fade = await video.analyse({ bytes: read('crossfade_720p.mp4'), fileName: 'c.mp4', contentType: 'video/mp4', kind: 'video' });
  expect(fade.map((f) => f.category).sort()).toEqual(['long_transition', 'stutter']);
  expect(fade.find((f) => f.category === 'long_transition')!.frame_time).toBeCloseTo(1, 1);
}, 60_000);

it('refuses bytes that do not decode, as permanent failures', async () => {
  await expect(image.analyse({ bytes: Buffer.from('\x89PNG\r\n\x1a\nbroken'), fileName: 'x.png', contentType: 'image/png', kind: 'image' })).rejects.toBeInstanceOf(UnanalysableFileError);
  await expect(video.analyse({ bytes: Buffer.from('ftypisomgarbage-garbage'), fileName: 'x.mp4', contentType: 'video/mp4', kind: 'video' })).rejects.toThrow(/not a decodable video/);
}, 60_000);
