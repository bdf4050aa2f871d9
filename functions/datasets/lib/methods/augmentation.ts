/**
 * The augmentation methods (AUG-000..AUG-017). Each draws its parameters from the documented ranges
 * with the output's seeded generator and applies them with sharp (or raw pixels where sharp has no
 * operation). Unless a method says otherwise the output has the input's size. Ranges follow
 * Albumentations 1.4 / torchvision 0.19 / kornia 0.7 defaults, as each range's `source` names.
 */
import type { Sharp } from 'sharp';
import { MAX_OUTPUT_SIDE, settle, type Frame } from './frame';
import { addGaussianNoise, applyLut, shuffleTiles } from './pixels';
import type { Random } from './prng';
import type { MethodSpec, Params, ParamRange } from './types';

const BLACK = { r: 0, g: 0, b: 0, alpha: 1 };
const num = (params: Params, name: string) => params[name] as number;
const same = (frame: Frame, image: Sharp): Frame => ({ ...frame, image });
const range = (min: number, max: number, unit: string, source: string, integer?: boolean): ParamRange => ({ min, max, unit, source, ...(integer ? { integer } : {}) });

/** Centre-crops or centre-pads (black) a rendered frame to `width` x `height`. */
function fitCentre(frame: Frame, width: number, height: number): Frame {
  let image = frame.image;
  const [left, top] = [Math.floor(Math.abs(frame.width - width) / 2), Math.floor(Math.abs(frame.height - height) / 2)];
  const crop = { left: frame.width > width ? left : 0, top: frame.height > height ? top : 0, width: Math.min(width, frame.width), height: Math.min(height, frame.height) };
  if (crop.width !== frame.width || crop.height !== frame.height) image = image.extract(crop);
  if (frame.width < width || frame.height < height) {
    const [padX, padY] = [Math.max(0, width - frame.width), Math.max(0, height - frame.height)];
    image = image.extend({ left: Math.floor(padX / 2), right: padX - Math.floor(padX / 2), top: Math.floor(padY / 2), bottom: padY - Math.floor(padY / 2), background: BLACK });
  }
  return { ...frame, image, width, height };
}

/**
 * A random box of `area * scale` with aspect ratio in `ratio` (log-uniform), inside the image: the
 * sampling of torchvision's RandomResizedCrop.get_params and RandomErasing.get_params (10 tries, then
 * the fallback).
 */
function randomBox(width: number, height: number, random: Random,
  scale: [number, number], ratio: [number, number], fallback: 'centre' | 'none') {
  const area = width * height;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * random.uniform(scale[0], scale[1], 6);
    const aspect = Math.exp(random.uniform(Math.log(ratio[0]), Math.log(ratio[1]), 6));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) return { left: random.integer(0, width - w), top: random.integer(0, height - h), width: w, height: h };
  }
  if (fallback === 'none') return { left: 0, top: 0, width: 0, height: 0 };
  const side = Math.min(width, height);
  return { left: Math.floor((width - side) / 2), top: Math.floor((height - side) / 2), width: side, height: side };
}

/** 2x Lanczos-3 upscale (capped at {@link MAX_OUTPUT_SIDE}) and an unsharp mask: no model runs here. */
export function upscale(frame: Frame, params: Params): Frame {
  const factor = Math.min(num(params, 'scale'), MAX_OUTPUT_SIDE / Math.max(frame.width, frame.height));
  const [width, height] = [Math.max(1, Math.round(frame.width * factor)), Math.max(1, Math.round(frame.height * factor))];
  return { ...frame, width, height, image: frame.image.resize(width, height, { kernel: 'lanczos3', fit: 'fill' }).sharpen({ sigma: num(params, 'sigma') }) };
}

const ALBU = 'Albumentations 1.4';
export const AUGMENTATION_METHODS: MethodSpec[] = [
  {
    method_id: 'AUG-000', method_name: 'random_rotate', kind: 'augmentation',
    description: 'Rotates about the centre by a random angle; same size, uncovered corners black.',
    ranges: { angle: range(-90, 90, 'degrees', `${ALBU} Rotate(limit=90)`) },
    parameters: (_, { random }) => ({ angle: random.uniform(-90, 90, 2) }),
    async apply(frame, params) {
      const rotated = await settle({ ...frame, image: frame.image.rotate(num(params, 'angle'), { background: BLACK }) });
      const { width, height } = await rotated.image.metadata();
      return fitCentre({ ...rotated, width: width!, height: height! }, frame.width, frame.height);
    },
  },
  {
    method_id: 'AUG-001', method_name: 'random_scale', kind: 'augmentation',
    description: 'Zooms about the centre by a random factor; same size (cropped, or padded black).',
    ranges: { factor: range(0.9, 1.1, 'ratio', `${ALBU} ShiftScaleRotate(scale_limit=0.1)`) },
    parameters: (_, { random }) => ({ factor: random.uniform(0.9, 1.1) }),
    apply(frame, params) {
      const f = num(params, 'factor');
      const [width, height] = [Math.max(1, Math.round(frame.width * f)), Math.max(1, Math.round(frame.height * f))];
      return fitCentre({ ...frame, width, height, image: frame.image.resize(width, height, { fit: 'fill' }) }, frame.width, frame.height);
    },
  },
  {
    method_id: 'AUG-002', method_name: 'random_translate', kind: 'augmentation',
    description: 'Shifts by a random fraction of the width and height; same size, uncovered edge black.',
    ranges: {
      dx: range(-0.0625, 0.0625, 'fraction of width', `${ALBU} ShiftScaleRotate(shift_limit=0.0625)`),
      dy: range(-0.0625, 0.0625, 'fraction of height', `${ALBU} ShiftScaleRotate(shift_limit=0.0625)`),
    },
    parameters: (_, { random }) => ({ dx: random.uniform(-0.0625, 0.0625), dy: random.uniform(-0.0625, 0.0625) }),
    apply(frame, params) {
      const dx = Math.round(num(params, 'dx') * frame.width);
      const dy = Math.round(num(params, 'dy') * frame.height);
      if (!dx && !dy) return frame;
      const image = frame.image
        .extract({ left: Math.max(-dx, 0), top: Math.max(-dy, 0), width: frame.width - Math.abs(dx), height: frame.height - Math.abs(dy) })
        .extend({ left: Math.max(dx, 0), right: Math.max(-dx, 0), top: Math.max(dy, 0), bottom: Math.max(-dy, 0), background: BLACK });
      return same(frame, image);
    },
  },
  {
    method_id: 'AUG-003', method_name: 'random_horizontal_flip', kind: 'augmentation',
    description: 'Mirrors left to right (the method is chosen for the output, so it always flips).',
    ranges: {},
    parameters: () => ({}),
    apply: (frame) => same(frame, frame.image.flop()),
  },
  {
    method_id: 'AUG-004', method_name: 'random_vertical_flip', kind: 'augmentation',
    description: 'Mirrors top to bottom (the method is chosen for the output, so it always flips).',
    ranges: {},
    parameters: () => ({}),
    apply: (frame) => same(frame, frame.image.flip()),
  },
  {
    method_id: 'AUG-005', method_name: 'random_crop', kind: 'augmentation',
    description: 'Crops a random box (8-100% of the area, aspect 3:4 to 4:3) and resizes it back to the input size.',
    ranges: {
      scale: range(0.08, 1, 'fraction of area', 'torchvision RandomResizedCrop(scale=(0.08, 1.0))'),
      ratio: range(3 / 4, 4 / 3, 'width / height', 'torchvision RandomResizedCrop(ratio=(3/4, 4/3))'),
    },
    parameters: (frame, { random }) => randomBox(frame.width, frame.height, random, [0.08, 1], [3 / 4, 4 / 3], 'centre'),
    apply(frame, params) {
      const box = { left: num(params, 'left'), top: num(params, 'top'), width: num(params, 'width'), height: num(params, 'height') };
      return same(frame, frame.image.extract(box).resize(frame.width, frame.height, { fit: 'fill' }));
    },
  },
  {
    method_id: 'AUG-006', method_name: 'random_tile', kind: 'augmentation',
    description: 'Cuts the image into a 3x3 grid of tiles and shuffles them.',
    ranges: { grid: range(3, 3, 'tiles per side', `${ALBU} RandomGridShuffle(grid=(3, 3))`, true) },
    parameters: (_, { random }) => ({ rows: 3, cols: 3, order: random.permutation(9) }),
    apply: (frame, params) => shuffleTiles(frame, num(params, 'rows'), num(params, 'cols'), params.order as number[]),
  },
  {
    method_id: 'AUG-007', method_name: 'random_erase', kind: 'augmentation',
    description: 'Blacks out a random box of 2-33% of the area, aspect 0.3 to 3.3.',
    ranges: {
      scale: range(0.02, 0.33, 'fraction of area', 'torchvision RandomErasing(scale=(0.02, 0.33))'),
      ratio: range(0.3, 3.3, 'height / width', 'torchvision RandomErasing(ratio=(0.3, 3.3), value=0)'),
    },
    parameters: (frame, { random }) => randomBox(frame.width, frame.height, random, [0.02, 0.33], [0.3, 3.3], 'none'),
    apply(frame, params) {
      const [width, height] = [num(params, 'width'), num(params, 'height')];
      if (!width || !height) return frame;
      const patch = { create: { width, height, channels: 3 as const, background: BLACK } };
      return same(frame, frame.image.composite([{ input: patch, left: num(params, 'left'), top: num(params, 'top') }]));
    },
  },
  {
    method_id: 'AUG-008', method_name: 'random_gaussian_noise', kind: 'augmentation',
    description: 'Adds Gaussian noise of a random variance to every colour channel (raw pixels).',
    ranges: {
      variance: range(10, 50, '(0-255 levels)²', `${ALBU} GaussNoise(var_limit=(10.0, 50.0))`),
      noise_seed: range(0, 2 ** 31 - 1, 'seed of the noise', 'seeded from the output', true),
    },
    parameters: (_, { random }) => ({ variance: random.uniform(10, 50, 2), noise_seed: random.integer(0, 2 ** 31 - 1) }),
    apply: (frame, params) => addGaussianNoise(frame, Math.sqrt(num(params, 'variance')), num(params, 'noise_seed')),
  },
  {
    method_id: 'AUG-009', method_name: 'random_gaussian_blur', kind: 'augmentation',
    description: 'Gaussian blur with a kernel of 3, 5 or 7 (sigma from the kernel size, as OpenCV derives it).',
    ranges: {
      ksize: range(3, 7, 'pixels (odd)', `${ALBU} GaussianBlur(blur_limit=(3, 7))`, true),
      sigma: range(0.8, 1.4, 'pixels', 'OpenCV getGaussianKernel: sigma = 0.3 ((ksize - 1) / 2 - 1) + 0.8'),
    },
    parameters(_, { random }) {
      const ksize = 3 + 2 * random.integer(0, 2);
      return { ksize, sigma: Number((0.3 * ((ksize - 1) / 2 - 1) + 0.8).toFixed(4)) };
    },
    apply: (frame, params) => same(frame, frame.image.blur(num(params, 'sigma'))),
  },
  {
    method_id: 'AUG-010', method_name: 'random_sharpness', kind: 'augmentation',
    description: 'Sharpens with Albumentations\' 3x3 kernel (1 - alpha) I + alpha [[-1,-1,-1],[-1,8+lightness,-1],[-1,-1,-1]].',
    ranges: {
      alpha: range(0.2, 0.5, 'blend', `${ALBU} Sharpen(alpha=(0.2, 0.5))`),
      lightness: range(0.5, 1, 'centre weight', `${ALBU} Sharpen(lightness=(0.5, 1.0))`),
    },
    parameters: (_, { random }) => ({ alpha: random.uniform(0.2, 0.5), lightness: random.uniform(0.5, 1) }),
    apply(frame, params) {
      const [a, l] = [num(params, 'alpha'), num(params, 'lightness')];
      const kernel = [-a, -a, -a, -a, (1 - a) + a * (8 + l), -a, -a, -a, -a];
      return same(frame, frame.image.convolve({ width: 3, height: 3, kernel, scale: 1, offset: 0 }));
    },
  },
  {
    method_id: 'AUG-011', method_name: 'random_brightness', kind: 'augmentation',
    description: 'Adds a random brightness offset of up to 20% of full scale.',
    ranges: { beta: range(-0.2, 0.2, 'fraction of 255', `${ALBU} RandomBrightnessContrast(brightness_limit=0.2, brightness_by_max=True)`) },
    parameters: (_, { random }) => ({ beta: random.uniform(-0.2, 0.2) }),
    apply: (frame, params) => same(frame, frame.image.linear(1, num(params, 'beta') * 255)),
  },
  {
    method_id: 'AUG-012', method_name: 'random_hue', kind: 'augmentation',
    description: 'Rotates the hue by a random angle (sharp modulate, LCh).',
    ranges: { degrees: range(-40, 40, 'degrees', `${ALBU} HueSaturationValue(hue_shift_limit=20) (OpenCV hue units are 2 degrees)`, true) },
    parameters: (_, { random }) => ({ degrees: random.integer(-40, 40) }),
    apply: (frame, params) => same(frame, frame.image.modulate({ hue: num(params, 'degrees') })),
  },
  {
    method_id: 'AUG-013', method_name: 'random_saturation', kind: 'augmentation',
    description: 'Scales the saturation by a random factor (sharp modulate).',
    ranges: { factor: range(0.8, 1.2, 'ratio', `${ALBU} ColorJitter(saturation=0.2)`) },
    parameters: (_, { random }) => ({ factor: random.uniform(0.8, 1.2) }),
    apply: (frame, params) => same(frame, frame.image.modulate({ saturation: num(params, 'factor') })),
  },
  {
    method_id: 'AUG-014', method_name: 'random_contrast', kind: 'augmentation',
    description: 'Scales the contrast about mid-grey by a random factor.',
    ranges: { alpha: range(0.8, 1.2, 'ratio', `${ALBU} RandomBrightnessContrast(contrast_limit=0.2)`) },
    parameters: (_, { random }) => ({ alpha: random.uniform(0.8, 1.2) }),
    apply: (frame, params) => same(frame, frame.image.linear(num(params, 'alpha'), 127.5 * (1 - num(params, 'alpha')))),
  },
  {
    method_id: 'AUG-015', method_name: 'random_solarize', kind: 'augmentation',
    description: 'Inverts every level at or above a random threshold (raw pixels).',
    ranges: { threshold: range(102, 153, 'level (0-255)', 'kornia RandomSolarize(thresholds=0.1): 0.5 +- 0.1 of full scale', true) },
    parameters: (_, { random }) => ({ threshold: random.integer(102, 153) }),
    apply(frame, params) {
      const t = num(params, 'threshold');
      return applyLut(frame, Array.from({ length: 256 }, (_, v) => (v >= t ? 255 - v : v)));
    },
  },
  {
    method_id: 'AUG-016', method_name: 'random_posterize', kind: 'augmentation',
    description: 'Keeps a random number of the most significant bits of every level (raw pixels).',
    ranges: { bits: range(3, 7, 'bits kept', 'kornia RandomPosterize(bits=3): 3 to 8 bits (8 would change nothing)', true) },
    parameters: (_, { random }) => ({ bits: random.integer(3, 7) }),
    apply(frame, params) {
      const mask = (0xff << (8 - num(params, 'bits'))) & 0xff;
      return applyLut(frame, Array.from({ length: 256 }, (_, v) => v & mask));
    },
  },
  {
    method_id: 'AUG-017', method_name: 'super_resolution', kind: 'augmentation',
    description: '2x Lanczos-3 upscale with sharpening (no super-resolution model runs here); output twice the size, at most 8192 px a side.',
    ranges: {},
    parameters: () => ({ scale: 2, sigma: 1 }),
    apply: upscale,
  },
];
