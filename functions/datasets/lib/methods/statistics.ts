/**
 * Image statistics the normalising preprocessing methods compare: each method moves an image's
 * statistic towards the value of a reference image, chosen from the project's data as the median.
 */
import sharp from 'sharp';
import type { Frame } from './frame';

/** Side the statistics are measured at (a fit-inside downscale; cheap and the same for every image). */
export const STATISTICS_SIZE = 256;

/** The statistics a normalising method aims at. */
export type StatisticName = 'brightness' | 'hue' | 'saturation' | 'sharpness' | 'contrast';

/**
 * One image's statistics, measured on an sRGB rendering fitted inside {@link STATISTICS_SIZE}²:
 * - brightness: mean luma (Rec. 601: 0.299 R + 0.587 G + 0.114 B), 0-255;
 * - contrast: standard deviation of luma, 0-127.5;
 * - hue: saturation-weighted circular mean of HSV hue, degrees 0-360;
 * - saturation: mean HSV saturation, 0-1;
 * - sharpness: variance of the 4-neighbour Laplacian of luma (Pech-Pacheco et al., 2000, "Diatom
 *   autofocusing in brightfield microscopy");
 * - histogram: the luma histogram's cumulative distribution, 256 values rising to 1 (histogram matching).
 */
export interface ImageStatistics {
  brightness: number;
  contrast: number;
  hue: number;
  saturation: number;
  sharpness: number;
  histogram: number[];
}

const round = (value: number, decimals = 4) => Number(value.toFixed(decimals));

/** Measures a frame's {@link ImageStatistics} (the frame itself is left as it is). */
export async function measure(frame: Frame): Promise<ImageStatistics> {
  const { data, info } = await frame.image.clone()
    .resize(STATISTICS_SIZE, STATISTICS_SIZE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const pixels = width * height;
  const luma = new Float64Array(pixels);
  const counts = new Float64Array(256);
  let sum = 0; let sumSquares = 0; let saturationSum = 0; let hueX = 0; let hueY = 0;
  for (let p = 0; p < pixels; p++) {
    const o = p * channels;
    const r = data[o]!; const g = channels >= 3 ? data[o + 1]! : r; const b = channels >= 3 ? data[o + 2]! : r;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    luma[p] = y;
    counts[Math.min(255, Math.round(y))]!++;
    sum += y; sumSquares += y * y;
    const max = Math.max(r, g, b); const min = Math.min(r, g, b);
    const s = max === 0 ? 0 : (max - min) / max;
    saturationSum += s;
    if (max !== min) {
      const d = max - min;
      const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
      const angle = (h * Math.PI) / 3;
      hueX += s * Math.cos(angle); hueY += s * Math.sin(angle);
    }
  }
  const mean = sum / pixels;
  let laplacianSum = 0; let laplacianSquares = 0; let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const l = luma[i - 1]! + luma[i + 1]! + luma[i - width]! + luma[i + width]! - 4 * luma[i]!;
      laplacianSum += l; laplacianSquares += l * l; n++;
    }
  }
  const laplacianMean = n ? laplacianSum / n : 0;
  let cumulative = 0;
  const histogram = Array.from(counts, (c) => round((cumulative += c) / pixels, 6));
  return {
    brightness: round(mean),
    contrast: round(Math.sqrt(Math.max(0, sumSquares / pixels - mean * mean))),
    hue: round((((Math.atan2(hueY, hueX) * 180) / Math.PI) + 360) % 360),
    saturation: round(saturationSum / pixels),
    sharpness: round(n ? laplacianSquares / n - laplacianMean * laplacianMean : 0),
    histogram,
  };
}

/** Measures encoded image bytes (see {@link measure}). */
export const measureBytes = async (bytes: Buffer): Promise<ImageStatistics> => {
  const image = sharp(bytes, { failOn: 'error' }).autoOrient();
  const { width = 1, height = 1, channels = 3 } = await image.metadata();
  return measure({ image, width, height, channels });
};

/** A candidate for a reference image. */
export interface Candidate {
  filename: string;
  statistics: ImageStatistics;
}

/**
 * Chooses the reference image for a statistic: the candidate whose value is the median (the lower
 * median for an even count; ties broken by file name, so the choice is reproducible).
 * @returns the chosen candidate, or undefined when there is none
 */
export function chooseReference(candidates: Candidate[], statistic: StatisticName): Candidate | undefined {
  const sorted = [...candidates].sort((a, b) => a.statistics[statistic] - b.statistics[statistic] || a.filename.localeCompare(b.filename));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
