import sharp from 'sharp';
import { openImage } from '@darkroom/media';
import type { Finding, Region } from '../model';
import { openCv, type Cv } from './opencv';
import { readText, type OcrLine } from './ocr';
import { score, UnanalysableFileError, type AnalysableFile, type Analyser } from './types';

/**
 * Thresholds of the built-in image analyser, each with its source. "Calibrated" ones were set on the
 * labelled evaluation set that scripts/bench/visual-cases.ts generates (`npm run bench` prints the
 * precision and recall they give); the others come from the cited standard.
 */
export const IMAGE_THRESHOLDS = {
  /** Longest side the analyser works at, px: keeps OCR and filtering cost bounded on 2 cores; UI text stays >= ~10 px high. */
  workingSize: 1280,
  /**
   * Blank or solid screen: grey-level standard deviation at most 4 (of 255, ~1.6 %), or entropy under
   * 0.5 bit (sharp `stats()`): less variation than the weakest contrast WCAG 2 lets a UI component have
   * against its background (3:1, SC 1.4.11) could produce over any visible element.
   */
  blankMaxStdev: 4,
  blankMaxEntropy: 0.5,
  /**
   * Blurred screen: the variance of the Laplacian (Pech-Pacheco et al., "Diatom autofocusing in
   * brightfield microscopy", ICPR 2000) divided by the mean squared Sobel gradient, so the measure does
   * not depend on how much of the screen has content: for a step edge blurred by a Gaussian of width σ
   * the ratio falls about as 1/σ². Calibrated: under 0.2 is blurred (crisp UI screens measure 0.9-1.0;
   * a Gaussian blur of σ ≥ 3 px measures < 0.04).
   */
  blurMaxSharpness: 0.2,
  /** ...and only where there is content: mean squared gradient at least 20 (below that the screen is blank). */
  blurMinGradientEnergy: 20,
  /** Low contrast: WCAG 2.x SC 1.4.3 (AA) minimum contrast ratio for text, 4.5:1 (https://www.w3.org/TR/WCAG21/#contrast-minimum). */
  minContrastRatio: 4.5,
  /** Text luminance percentiles taken as text and background colours: the 5th and 95th, so anti-aliased edge pixels do not count. */
  contrastPercentiles: [0.05, 0.95] as const,
  /** OCR words below this tesseract confidence (0-100) are ignored (tesseract's own default rejection level is 0-50). */
  minWordConfidence: 60,
  /**
   * Missing image: a flat (local standard deviation <= 2 over 5x5 px), unsaturated, light-grey region
   * (HSV saturation <= 30/255, value 150-245) covering at least 2 % of the screen, nearly rectangular
   * (>= 85 % of its bounding box once thin lines are closed over), i.e. the grey box web and mobile UIs show
   * where an image failed to load; crossed by its diagonals (the wireframe "image placeholder" X) it
   * scores 0.95, without them 0.6 and is still reported. Calibrated on the evaluation set.
   */
  placeholderMinArea: 0.02,
  placeholderMinExtent: 0.85,
  placeholderMaxLocalStdev: 2,
  placeholderMaxSaturation: 30,
  placeholderValueRange: [150, 245] as const,
  /** Text that shows a programming value instead of content (OwlEye's "null value" issue). */
  nullWords: /^(null|undefined|NaN|nil|\[object|Object\])$/,
} as const;

/** sRGB channel (0-255) to linear light, per WCAG 2's relative luminance definition. */
const LINEAR = Array.from({ length: 256 }, (_, v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });

/** WCAG 2 relative luminance of an sRGB colour (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance). */
export const relativeLuminance = (r: number, g: number, b: number): number => 0.2126 * LINEAR[r]! + 0.7152 * LINEAR[g]! + 0.0722 * LINEAR[b]!;
/** WCAG 2 contrast ratio of two relative luminances, 1..21 (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio). */
export const contrastRatio = (a: number, b: number): number => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** A decoded screenshot at the working size. */
interface Screen { rgb: Buffer; width: number; height: number; channels: 3; scale: number }

/** Decodes with Darkroom's safe options, flattens alpha, fits the working size. @throws UnanalysableFileError when the bytes are not a decodable image */
async function decode(bytes: Buffer): Promise<Screen> {
  try {
    const meta = await openImage(bytes).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const { data, info } = await openImage(bytes)
      .resize(IMAGE_THRESHOLDS.workingSize, IMAGE_THRESHOLDS.workingSize, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { rgb: data, width: info.width, height: info.height, channels: 3, scale: info.width / width };
  } catch (error) {
    throw new UnanalysableFileError(`not a decodable image: ${(error as Error).message}`);
  }
}

const toOriginal = (screen: Screen, region: Region): Region => ({
  x: Math.round(region.x / screen.scale), y: Math.round(region.y / screen.scale),
  width: Math.round(region.width / screen.scale), height: Math.round(region.height / screen.scale),
});
const whole = (screen: Screen): Region => toOriginal(screen, { x: 0, y: 0, width: screen.width, height: screen.height });

/** Blank or solid screen from sharp's statistics. */
async function blankScreen(screen: Screen): Promise<Finding | undefined> {
  const stats = await sharp(screen.rgb, { raw: { width: screen.width, height: screen.height, channels: 3 } }).greyscale().stats();
  const stdev = stats.channels[0]!.stdev;
  if (stdev > IMAGE_THRESHOLDS.blankMaxStdev && stats.entropy >= IMAGE_THRESHOLDS.blankMaxEntropy) return undefined;
  return {
    category: 'blank_screen', score: score(1 - stdev / (4 * IMAGE_THRESHOLDS.blankMaxStdev)), region: whole(screen),
    detail: `grey-level stdev ${stdev.toFixed(2)}, entropy ${stats.entropy.toFixed(2)} bit`,
  };
}

/** Variance of the Laplacian over mean squared gradient, with OpenCV. */
function sharpness(cv: Cv, grey: InstanceType<Cv['Mat']>): { ratio: number; gradientEnergy: number } {
  const lap = new cv.Mat(); const dx = new cv.Mat(); const dy = new cv.Mat(); const mean = new cv.Mat(); const std = new cv.Mat();
  try {
    cv.Laplacian(grey, lap, cv.CV_64F, 1);
    cv.meanStdDev(lap, mean, std);
    const lapVariance = std.data64F[0]! ** 2;
    cv.Sobel(grey, dx, cv.CV_64F, 1, 0, 3);
    cv.Sobel(grey, dy, cv.CV_64F, 0, 1, 3);
    cv.multiply(dx, dx, dx);
    cv.multiply(dy, dy, dy);
    cv.add(dx, dy, dx);
    const gradientEnergy = cv.mean(dx)[0]! / 16; // Sobel's 3x3 kernel weighs the difference by 4 (x4 squared)
    return { ratio: gradientEnergy > 0 ? lapVariance / gradientEnergy : 0, gradientEnergy };
  } finally {
    for (const m of [lap, dx, dy, mean, std]) m.delete();
  }
}

function blurredScreen(cv: Cv, screen: Screen, grey: InstanceType<Cv['Mat']>): Finding | undefined {
  const { ratio, gradientEnergy } = sharpness(cv, grey);
  if (gradientEnergy < IMAGE_THRESHOLDS.blurMinGradientEnergy || ratio >= IMAGE_THRESHOLDS.blurMaxSharpness) return undefined;
  return {
    category: 'blurred_screen', score: score(0.5 + (IMAGE_THRESHOLDS.blurMaxSharpness - ratio) / IMAGE_THRESHOLDS.blurMaxSharpness / 2),
    region: whole(screen), detail: `sharpness ${ratio.toFixed(3)} (Laplacian variance / gradient energy); blurred below ${IMAGE_THRESHOLDS.blurMaxSharpness}`,
  };
}

/**
 * Missing-image placeholders: flat light-grey rectangles (see {@link IMAGE_THRESHOLDS}), found with OpenCV
 * box filters (local variance), HSV thresholds, a morphological close and connected components.
 */
function missingImages(cv: Cv, screen: Screen, grey: InstanceType<Cv['Mat']>): Finding[] {
  const t = IMAGE_THRESHOLDS;
  const mats: Array<{ delete(): void }> = [];
  const mat = () => { const m = new cv.Mat(); mats.push(m); return m; };
  try {
    const rgb = cv.matFromArray(screen.height, screen.width, cv.CV_8UC3, screen.rgb as unknown as number[]);
    mats.push(rgb);
    // Local variance: E[x²] - E[x]² over 5x5 windows.
    const g = mat(); grey.convertTo(g, cv.CV_32F);
    const mean = mat(); cv.blur(g, mean, new cv.Size(5, 5));
    const sq = mat(); cv.multiply(g, g, sq);
    const meanSq = mat(); cv.blur(sq, meanSq, new cv.Size(5, 5));
    const mean2 = mat(); cv.multiply(mean, mean, mean2);
    const variance = mat(); cv.subtract(meanSq, mean2, variance);
    const flat = mat(); cv.threshold(variance, flat, t.placeholderMaxLocalStdev ** 2, 255, cv.THRESH_BINARY_INV);
    const flat8 = mat(); flat.convertTo(flat8, cv.CV_8U);
    const hsv = mat(); cv.cvtColor(rgb, hsv, cv.COLOR_RGB2HSV);
    const lowM = new cv.Mat(screen.height, screen.width, cv.CV_8UC3, new cv.Scalar(0, 0, t.placeholderValueRange[0])); mats.push(lowM);
    const highM = new cv.Mat(screen.height, screen.width, cv.CV_8UC3, new cv.Scalar(180, t.placeholderMaxSaturation, t.placeholderValueRange[1])); mats.push(highM);
    const grey8 = mat(); cv.inRange(hsv, lowM, highM, grey8);
    const mask = mat(); cv.bitwise_and(flat8, grey8, mask);
    const closed = mat();
    const kernel = cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(11, 11)); mats.push(kernel);
    cv.morphologyEx(mask, closed, cv.MORPH_CLOSE, kernel);
    const labels = mat(); const stats = mat(); const centroids = mat();
    const count = cv.connectedComponentsWithStats(closed, labels, stats, centroids, 8, cv.CV_32S);
    const findings: Finding[] = [];
    const screenArea = screen.width * screen.height;
    for (let label = 1; label < count; label++) {
      const stat = (column: number) => stats.data32S[label * stats.cols + column]!;
      const x = stat(cv.CC_STAT_LEFT); const y = stat(cv.CC_STAT_TOP);
      const width = stat(cv.CC_STAT_WIDTH); const height = stat(cv.CC_STAT_HEIGHT);
      const area = stat(cv.CC_STAT_AREA);
      if (area < t.placeholderMinArea * screenArea || area / (width * height) < t.placeholderMinExtent) continue;
      if (width > 0.98 * screen.width && height > 0.9 * screen.height) continue; // the page itself, not a box on it
      const crossed = diagonalsCrossed(mask.data, screen.width, x, y, width, height);
      findings.push({
        category: 'missing_image', score: crossed ? 0.95 : 0.6, region: toOriginal(screen, { x, y, width, height }),
        detail: crossed ? 'flat grey box crossed by its diagonals (image placeholder)' : 'flat grey box where content is expected',
      });
    }
    return findings;
  } finally {
    for (const m of mats) m.delete();
  }
}

/** Whether both diagonals of a box run over non-flat pixels (the lines of an "X" placeholder) for most of their length. */
function diagonalsCrossed(mask: Uint8Array, stride: number, x: number, y: number, width: number, height: number): boolean {
  const samples = 60;
  let hits = 0;
  for (const [from, to] of [[[x, y], [x + width - 1, y + height - 1]], [[x + width - 1, y], [x, y + height - 1]]] as const) {
    for (let i = 4; i < samples - 4; i++) {
      const px = Math.round(from[0] + ((to[0] - from[0]) * i) / samples);
      const py = Math.round(from[1] + ((to[1] - from[1]) * i) / samples);
      let near = false;
      for (let d = -2; d <= 2 && !near; d++) near = mask[py * stride + Math.min(x + width - 1, Math.max(x, px + d))] === 0;
      if (near) hits++;
    }
  }
  return hits >= 0.7 * 2 * (samples - 8);
}

/** Text colour and background luminances of a box: the luminance percentiles of its pixels. */
function boxContrast(screen: Screen, box: OcrLine['box']): number {
  const values: number[] = [];
  for (let row = Math.max(0, box.y0); row < Math.min(screen.height, box.y1); row++) {
    for (let col = Math.max(0, box.x0); col < Math.min(screen.width, box.x1); col++) {
      const i = (row * screen.width + col) * 3;
      values.push(relativeLuminance(screen.rgb[i]!, screen.rgb[i + 1]!, screen.rgb[i + 2]!));
    }
  }
  if (values.length < 16) return 21;
  values.sort((a, b) => a - b);
  const [low, high] = IMAGE_THRESHOLDS.contrastPercentiles;
  return contrastRatio(values[Math.floor(low * (values.length - 1))]!, values[Math.floor(high * (values.length - 1))]!);
}

const union = (boxes: Array<OcrLine['box']>): OcrLine['box'] => ({
  x0: Math.min(...boxes.map((b) => b.x0)), y0: Math.min(...boxes.map((b) => b.y0)), x1: Math.max(...boxes.map((b) => b.x1)), y1: Math.max(...boxes.map((b) => b.y1)),
});
const boxRegion = (box: OcrLine['box']): Region => ({ x: box.x0, y: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 });

/** Low-contrast text lines and null-value words from OCR (tesseract.js) over a CLAHE-equalised copy, so faint text is read too. */
async function textFindings(screen: Screen): Promise<Finding[]> {
  const enhanced = await sharp(screen.rgb, { raw: { width: screen.width, height: screen.height, channels: 3 } })
    .greyscale().clahe({ width: 32, height: 32, maxSlope: 20 }).png({ compressionLevel: 1 }).toBuffer();
  const lines = await readText(enhanced);
  const t = IMAGE_THRESHOLDS;
  const findings: Finding[] = [];
  for (const line of lines) {
    // Contrast per word (a line's box may take in a neighbouring picture): words of 3+ letters read confidently.
    const words = line.words.filter((w) => w.confidence >= t.minWordConfidence && /[A-Za-z]{3,}/.test(w.text));
    const faint = words.map((word) => ({ word, ratio: boxContrast(screen, word.box) })).filter((w) => w.ratio < t.minContrastRatio);
    if (faint.length && faint.length * 2 >= words.length) {
      const ratio = Math.min(...faint.map((w) => w.ratio));
      findings.push({
        category: 'low_contrast', score: score(0.5 + (t.minContrastRatio - ratio) / (t.minContrastRatio - 1) / 2),
        region: toOriginal(screen, boxRegion(union(faint.map((w) => w.word.box)))),
        detail: `"${line.text.slice(0, 60)}": contrast ${ratio.toFixed(2)}:1, WCAG AA needs ${t.minContrastRatio}:1`,
      });
    }
    // Null values: adjacent matching words ("[object" "Object]") make one finding.
    let run: typeof line.words = [];
    const flush = () => {
      if (!run.length) return;
      const text = run.map((w) => w.text).join(' ');
      findings.push({ category: 'null_value', score: score(Math.min(...run.map((w) => w.confidence)) / 100), region: toOriginal(screen, boxRegion(union(run.map((w) => w.box)))), detail: `text reads "${text}"` });
      run = [];
    };
    for (const word of line.words) {
      const text = word.text.replace(/^[^\w[]+|[^\w\]]+$/g, '');
      if (t.nullWords.test(text) && word.confidence >= t.minWordConfidence) run.push({ ...word, text });
      else flush();
    }
    flush();
  }
  return findings;
}

/**
 * The built-in screenshot analyser (DESIGN.md "Visual jobs"): blank or solid screens, blurred screens,
 * missing-image placeholders, low-contrast text and null values, thresholds in {@link IMAGE_THRESHOLDS}.
 * A blank screen is reported alone (every other check would only restate it).
 */
export class BuiltinImageAnalyser implements Analyser {
  readonly name = 'builtin-image';

  async analyse(file: AnalysableFile): Promise<Finding[]> {
    const screen = await decode(file.bytes);
    const blank = await blankScreen(screen);
    if (blank) return [blank];
    const cv = await openCv();
    const rgb = cv.matFromArray(screen.height, screen.width, cv.CV_8UC3, screen.rgb as unknown as number[]);
    const grey = new cv.Mat();
    let findings: Finding[];
    try {
      cv.cvtColor(rgb, grey, cv.COLOR_RGB2GRAY);
      const blurred = blurredScreen(cv, screen, grey);
      findings = [...(blurred ? [blurred] : []), ...missingImages(cv, screen, grey)];
    } finally {
      rgb.delete();
      grey.delete();
    }
    // Text checks on a blurred screen would report its blur again as low contrast.
    if (!findings.some((f) => f.category === 'blurred_screen')) findings.push(...await textFindings(screen));
    return findings;
  }
}
