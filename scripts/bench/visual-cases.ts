/**
 * The labelled evaluation set of the visual analysers, generated (never stored): screenshots drawn with
 * sharp from SVG (clean, blank, blurred, low-contrast, a "null" label, a missing image) and screen
 * recordings encoded with the ffmpeg binary of @ffmpeg-installer/ffmpeg (clean, frozen, flashing).
 * The unit tests (test/unit/visual/evaluation.test.ts) and the benchmark (scripts/bench/visual.ts) use it,
 * so the figures the benchmark prints are for the set the tests check.
 */
import sharp from 'sharp';
import { ffmpegPath, run } from '../../functions/visual/lib/analysers/ffmpeg';
import type { FindingCategory } from '../../functions/visual/lib/model';
import { random as seededRandom } from './random';

/** One labelled case: its bytes, its media type and the categories an analyser should report. */
export interface LabelledCase {
  name: string;
  kind: 'image' | 'video';
  contentType: string;
  bytes: Buffer;
  labels: FindingCategory[];
}

const TITLES = ['Orders', 'Inbox', 'Settings', 'Profile', 'Photos', 'Library', 'Checkout', 'Messages'];
const ITEMS = ['Weekly report', 'Flight to Lisbon', 'Invoice 2041', 'Team meeting', 'Birthday party', 'Gym session', 'Dentist visit', 'Book club'];
const SUBTITLES = ['Tomorrow at 10:30', 'Paid by card', 'Three new replies', 'Shared with Ada', 'Updated an hour ago', 'Ready to download'];
const NULLS = ['null', 'undefined', 'NaN', '[object Object]'];
const HEADERS = ['#1565c0', '#2e7d32', '#6a1b9a', '#c62828', '#37474f'];
const FAINT = ['#c4c4c4', '#bdbdbd', '#b0b0b0', '#d0d0d0'];

const esc = (text: string) => text.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);

interface ScreenOptions { seed: number; nullLabel?: boolean; faintText?: boolean; missingImage?: boolean }

/** An app screen as SVG: status bar, coloured header, a picture, a list of items, a button. */
function screenSvg(options: ScreenOptions): { svg: string; width: number; height: number } {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const phone = random() < 0.6;
  const [width, height] = phone ? [720, 1280] : [1280, 800];
  const header = pick(HEADERS);
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#ffffff"/>`];
  parts.push(`<rect width="${width}" height="40" fill="#263238"/><text x="20" y="28" font-family="DejaVu Sans" font-size="20" fill="#ffffff">9:41</text>`);
  parts.push(`<rect y="40" width="${width}" height="100" fill="${header}"/><text x="32" y="106" font-family="DejaVu Sans" font-size="40" font-weight="bold" fill="#ffffff">${pick(TITLES)}</text>`);
  // The picture: a colourful "photo" (gradients and shapes), or the missing-image placeholder.
  const picture = { x: 32, y: 170, width: phone ? width - 64 : 560, height: phone ? 360 : 400 };
  if (options.missingImage) {
    const { x, y, width: w, height: h } = picture;
    const grey = pick(['#e0e0e0', '#d6d6d6', '#cfcfcf', '#e6e6e6']);
    parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${grey}" stroke="#9e9e9e" stroke-width="2"/>`
      + `<line x1="${x}" y1="${y}" x2="${x + w}" y2="${y + h}" stroke="#9e9e9e" stroke-width="2"/><line x1="${x + w}" y1="${y}" x2="${x}" y2="${y + h}" stroke="#9e9e9e" stroke-width="2"/>`);
  } else {
    const hue = Math.floor(random() * 360);
    parts.push(`<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},70%,35%)"/></linearGradient></defs>`
      + `<rect x="${picture.x}" y="${picture.y}" width="${picture.width}" height="${picture.height}" fill="url(#g)"/>`
      + Array.from({ length: 6 }, () => `<circle cx="${picture.x + random() * picture.width}" cy="${picture.y + random() * picture.height}" r="${20 + random() * 60}" fill="hsl(${Math.floor(random() * 360)},80%,${40 + Math.floor(random() * 30)}%)" opacity="0.8"/>`).join(''));
  }
  // The list: on a phone below the picture, on a desktop beside it.
  const list = phone ? { x: 32, y: picture.y + picture.height + 60 } : { x: 640, y: 200 };
  const rows = phone ? 5 : 5;
  const nullRow = options.nullLabel ? Math.floor(random() * rows) : -1;
  const faintRow = options.faintText ? Math.floor(random() * rows) : -1;
  for (let row = 0; row < rows; row++) {
    const y = list.y + row * 96;
    const title = row === nullRow ? `${pick(['Total', 'Price', 'Name', 'Date'])}: ${pick(NULLS)}` : pick(ITEMS);
    const colour = row === faintRow ? pick(FAINT) : '#212121';
    const subColour = row === faintRow ? colour : '#424242';
    parts.push(`<text x="${list.x}" y="${y}" font-family="DejaVu Sans" font-size="30" fill="${colour}">${esc(title)}</text>`
      + `<text x="${list.x}" y="${y + 36}" font-family="DejaVu Sans" font-size="24" fill="${subColour}">${esc(pick(SUBTITLES))}</text>`
      + `<rect x="${list.x}" y="${y + 54}" width="${phone ? width - 64 : 600}" height="1" fill="#e0e0e0"/>`);
  }
  const button = { x: phone ? 32 : 640, y: height - 120, width: phone ? width - 64 : 320 };
  parts.push(`<rect x="${button.x}" y="${button.y}" width="${button.width}" height="72" rx="8" fill="${header}"/><text x="${button.x + 32}" y="${button.y + 47}" font-family="DejaVu Sans" font-size="30" font-weight="bold" fill="#ffffff">CONTINUE</text>`);
  return { svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`, width, height };
}

/** An app screen as PNG. */
export async function screenPng(options: ScreenOptions): Promise<Buffer> {
  return sharp(Buffer.from(screenSvg(options).svg)).png().toBuffer();
}

/**
 * The labelled screenshots: `perCategory` of each of clean, blank, blurred, low-contrast, null label,
 * missing image (6 x perCategory images), each from its own seed.
 */
export async function screenshotCases(perCategory = 4): Promise<LabelledCase[]> {
  const cases: LabelledCase[] = [];
  const png = (name: string, bytes: Buffer, labels: FindingCategory[]) => cases.push({ name, kind: 'image', contentType: 'image/png', bytes, labels });
  for (let i = 0; i < perCategory; i++) {
    const seed = 1000 + i * 7;
    png(`clean-${i}`, await screenPng({ seed }), []);
    const colour = ['#ffffff', '#000000', '#f5f5f5', '#1565c0'][i % 4]!;
    png(`blank-${i}`, await sharp({ create: { width: 720, height: 1280, channels: 3, background: colour } }).png().toBuffer(), ['blank_screen']);
    png(`blurred-${i}`, await sharp(await screenPng({ seed: seed + 1 })).blur(3 + (i % 3)).png().toBuffer(), ['blurred_screen']);
    png(`low-contrast-${i}`, await screenPng({ seed: seed + 2, faintText: true }), ['low_contrast']);
    png(`null-${i}`, await screenPng({ seed: seed + 3, nullLabel: true }), ['null_value']);
    png(`missing-image-${i}`, await screenPng({ seed: seed + 4, missingImage: true }), ['missing_image']);
  }
  return cases;
}

/** Frames (raw RGB, all the same size) encoded to H.264 MP4 by the ffmpeg binary at `fps`. */
export async function encodeVideo(frames: Buffer[], width: number, height: number, fps: number): Promise<Buffer> {
  const output = `/tmp/darkroom-visual-case-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`;
  const args = ['-hide_banner', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-y', output];
  const { code, stderr } = await run(ffmpegPath(), args, 60_000, Buffer.concat(frames));
  if (code !== 0) throw new Error(`ffmpeg could not encode the case: ${stderr}`);
  const { readFile, rm } = await import('node:fs/promises');
  const bytes = await readFile(output);
  await rm(output, { force: true });
  return bytes;
}

/** Raw RGB of an app screen at `width` x `height`. */
async function rawScreen(seed: number, width: number, height: number): Promise<Buffer> {
  return sharp(await screenPng({ seed })).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
}

/** A frame that shows `b` slid in from the right over `a` by `progress` (0..1). */
function slide(a: Buffer, b: Buffer, width: number, height: number, progress: number): Buffer {
  const shift = Math.round(width * progress);
  const out = Buffer.alloc(a.length);
  for (let row = 0; row < height; row++) {
    const start = row * width * 3;
    a.copy(out, start, start + shift * 3, start + width * 3);
    b.copy(out, start + (width - shift) * 3, start, start + shift * 3);
  }
  return out;
}

/**
 * The labelled screen recordings (30 fps, 240x426): `perCategory` each of
 * - clean: screens held about a second, changed by 300 ms slide transitions;
 * - frozen: a slide, then the same screen for 3 s;
 * - flashing: the screen alternating with black every 2-3 frames for 1.5 s.
 */
export async function videoCases(perCategory = 2): Promise<LabelledCase[]> {
  const [width, height, fps] = [240, 426, 30];
  const cases: LabelledCase[] = [];
  for (let i = 0; i < perCategory; i++) {
    const [a, b, c] = await Promise.all([0, 1, 2].map((k) => rawScreen(2000 + i * 10 + k, width, height)));
    const hold = (frame: Buffer, seconds: number) => Array.from({ length: Math.round(seconds * fps) }, () => frame);
    const transition = (from: Buffer, to: Buffer) => Array.from({ length: 9 }, (_, k) => slide(from, to, width, height, (k + 1) / 9));
    const clean = [...hold(a!, 0.9), ...transition(a!, b!), ...hold(b!, 1.1), ...transition(b!, c!), ...hold(c!, 0.8 + i * 0.2)];
    cases.push({ name: `video-clean-${i}`, kind: 'video', contentType: 'video/mp4', bytes: await encodeVideo(clean, width, height, fps), labels: [] });
    const frozen = [...hold(a!, 0.5), ...transition(a!, b!), ...hold(b!, 3 + i)];
    cases.push({ name: `video-frozen-${i}`, kind: 'video', contentType: 'video/mp4', bytes: await encodeVideo(frozen, width, height, fps), labels: ['frozen_frames'] });
    const black = Buffer.alloc(a!.length);
    const period = 2 + (i % 2);
    const flashing = [...hold(a!, 0.5), ...Array.from({ length: Math.round(1.5 * fps) }, (_, k) => (Math.floor(k / period) % 2 ? black : a!)), ...hold(a!, 0.5)];
    cases.push({ name: `video-flashing-${i}`, kind: 'video', contentType: 'video/mp4', bytes: await encodeVideo(flashing, width, height, fps), labels: ['flashing'] });
  }
  return cases;
}

/** Precision and recall of one category, and the counts behind them. */
export interface CategoryScore { category: string; truePositives: number; falsePositives: number; falseNegatives: number; precision: number; recall: number }

/**
 * Scores predictions against labels per category (a case counts once per category, however many
 * findings of it) and overall (micro-average over the categories evaluated).
 * @param categories - the categories evaluated; predicted categories outside them are ignored
 */
export function scorePredictions(results: Array<{ labels: string[]; predicted: string[] }>, categories: readonly string[]): { perCategory: CategoryScore[]; overall: CategoryScore } {
  const tally = (category: string): CategoryScore => {
    let tp = 0; let fp = 0; let fn = 0;
    for (const r of results) {
      const labelled = r.labels.includes(category);
      const predicted = r.predicted.includes(category);
      if (labelled && predicted) tp++;
      else if (predicted) fp++;
      else if (labelled) fn++;
    }
    return { category, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
  };
  const perCategory = categories.map(tally);
  const sum = (key: 'truePositives' | 'falsePositives' | 'falseNegatives') => perCategory.reduce((total, s) => total + s[key], 0);
  const [tp, fp, fn] = [sum('truePositives'), sum('falsePositives'), sum('falseNegatives')];
  return { perCategory, overall: { category: 'overall', truePositives: tp, falsePositives: fp, falseNegatives: fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 } };
}
