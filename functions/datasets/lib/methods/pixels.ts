/** Operations over raw pixels, for the methods sharp has no operation for. */
import { fromRaw, toRaw, type Frame, type RawPixels } from './frame';
import { seededRandom } from './prng';

/** Channels that carry colour (the alpha channel of 2- and 4-channel images is left alone). */
const colourChannels = (channels: number) => (channels === 2 || channels === 4 ? channels - 1 : channels);

/** Applies a 256-entry lookup table to every colour channel. */
export async function applyLut(frame: Frame, lut: ArrayLike<number>): Promise<Frame> {
  const raw = await toRaw(frame);
  const { data, channels } = raw;
  const colours = colourChannels(channels);
  for (let i = 0; i < data.length; i += channels) {
    for (let c = 0; c < colours; c++) data[i + c] = lut[data[i + c]!]!;
  }
  return fromRaw(raw);
}

/**
 * Adds Gaussian noise N(0, sigma²) to every colour channel of every pixel, the noise drawn from a
 * generator seeded by `seed` (so the same seed gives the same noise).
 */
export async function addGaussianNoise(frame: Frame, sigma: number, seed: number): Promise<Frame> {
  const raw = await toRaw(frame);
  const { data, channels } = raw;
  const colours = colourChannels(channels);
  const random = seededRandom(`noise:${seed}`);
  for (let i = 0; i < data.length; i += channels) {
    for (let c = 0; c < colours; c++) {
      const value = data[i + c]! + sigma * random.normal();
      data[i + c] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
    }
  }
  return fromRaw(raw);
}

/**
 * Shuffles a rows x cols grid of equal tiles (tile size floor(width / cols) x floor(height / rows);
 * the strips left over at the right and bottom stay in place): destination tile d gets source tile order[d].
 */
export async function shuffleTiles(frame: Frame, rows: number, cols: number, order: number[]): Promise<Frame> {
  const raw = await toRaw(frame);
  const { data, width, height, channels } = raw;
  const out = Buffer.from(data);
  const tileWidth = Math.floor(width / cols);
  const tileHeight = Math.floor(height / rows);
  const rowBytes = tileWidth * channels;
  for (let d = 0; d < rows * cols; d++) {
    const s = order[d]!;
    const [dx, dy] = [(d % cols) * tileWidth, Math.floor(d / cols) * tileHeight];
    const [sx, sy] = [(s % cols) * tileWidth, Math.floor(s / cols) * tileHeight];
    for (let y = 0; y < tileHeight; y++) {
      const from = ((sy + y) * width + sx) * channels;
      data.copy(out, ((dy + y) * width + dx) * channels, from, from + rowBytes);
    }
  }
  return fromRaw({ ...raw, data: out } satisfies RawPixels);
}
