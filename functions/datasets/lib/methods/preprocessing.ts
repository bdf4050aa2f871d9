/**
 * The preprocessing methods (PRE-000..PRE-009; PRE-007 does not exist on the original platform).
 * The normalising ones measure each image (statistics.ts) and move its statistic to the value of the
 * task's reference image: the project's image with the median value of that statistic.
 */
import { upscale } from './augmentation';
import { applyLut } from './pixels';
import { measure } from './statistics';
import type { MethodSpec, Params, ParamRange } from './types';

const num = (params: Params, name: string) => params[name] as number;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const fixed = (value: number, decimals = 4) => Number(value.toFixed(decimals));
const range = (min: number, max: number, unit: string, source: string): ParamRange => ({ min, max, unit, source });
const DARKROOM = 'Darkroom: a bounded correction, so one odd image cannot blow up';

/** The reference's value, or the image's own when the task has no reference (then nothing changes). */
const target = (own: number, reference?: { value: number }) => reference?.value ?? own;

export const PREPROCESSING_METHODS: MethodSpec[] = [
  {
    method_id: 'PRE-000', method_name: 'auto_orientation', kind: 'preprocessing',
    description: 'Applies the EXIF orientation. Every output is decoded upright (outputs carry no EXIF), so this records the step and changes nothing more.',
    ranges: {},
    parameters: () => ({}),
    apply: (frame) => frame,
  },
  {
    method_id: 'PRE-001', method_name: 'grayscale', kind: 'preprocessing',
    description: 'Converts to one luminance channel. With it, only PRE-000 and PRE-009 also run (the original platform\'s rule).',
    ranges: {},
    parameters: () => ({}),
    apply: (frame) => ({ ...frame, image: frame.image.grayscale().toColourspace('b-w'), channels: 1 }),
  },
  {
    method_id: 'PRE-002', method_name: 'normalize_brightness', kind: 'preprocessing', reference: 'brightness',
    description: 'Scales the levels so the mean luma equals the reference image\'s (median brightness of the project).',
    ranges: { gain: range(0.25, 4, 'ratio', DARKROOM) },
    async parameters(frame, { reference }) {
      const own = (await measure(frame)).brightness;
      const goal = target(own, reference);
      return { own, target: goal, gain: fixed(own > 0 ? clamp(goal / own, 0.25, 4) : 1) };
    },
    apply: (frame, params) => ({ ...frame, image: frame.image.linear(num(params, 'gain'), 0) }),
  },
  {
    method_id: 'PRE-003', method_name: 'normalize_hue', kind: 'preprocessing', reference: 'hue',
    description: 'Rotates the hue so the mean hue equals the reference image\'s (median hue of the project).',
    ranges: { degrees: range(-180, 180, 'degrees', 'the shortest rotation') },
    async parameters(frame, { reference }) {
      const own = (await measure(frame)).hue;
      const goal = target(own, reference);
      return { own, target: goal, degrees: Math.round(((goal - own + 540) % 360) - 180) };
    },
    apply: (frame, params) => (num(params, 'degrees') ? { ...frame, image: frame.image.modulate({ hue: num(params, 'degrees') }) } : frame),
  },
  {
    method_id: 'PRE-004', method_name: 'normalize_saturation', kind: 'preprocessing', reference: 'saturation',
    description: 'Scales the saturation so the mean saturation equals the reference image\'s (median saturation of the project).',
    ranges: { factor: range(0, 4, 'ratio', DARKROOM) },
    async parameters(frame, { reference }) {
      const own = (await measure(frame)).saturation;
      const goal = target(own, reference);
      return { own, target: goal, factor: fixed(own > 0 ? clamp(goal / own, 0, 4) : 1) };
    },
    apply: (frame, params) => ({ ...frame, image: frame.image.modulate({ saturation: num(params, 'factor') }) }),
  },
  {
    method_id: 'PRE-005', method_name: 'normalize_sharpness', kind: 'preprocessing', reference: 'sharpness',
    description: 'Sharpens a softer image, blurs a sharper one, towards the reference image\'s sharpness (variance of the Laplacian; median of the project).',
    ranges: { sigma: range(0.3, 3, 'pixels', `${DARKROOM}; sigma grows with log2 of the sharpness ratio`) },
    async parameters(frame, { reference }) {
      const own = (await measure(frame)).sharpness;
      const goal = target(own, reference);
      const ratio = own > 0 ? goal / own : 1;
      const operation = ratio > 1.1 ? 'sharpen' : ratio < 0.9 ? 'blur' : 'none';
      const sigma = operation === 'none' ? 0 : fixed(clamp(0.3 + 0.5 * Math.abs(Math.log2(ratio)), 0.3, 3));
      return { own, target: goal, operation, sigma };
    },
    apply(frame, params) {
      if (params.operation === 'sharpen') return { ...frame, image: frame.image.sharpen({ sigma: num(params, 'sigma') }) };
      if (params.operation === 'blur') return { ...frame, image: frame.image.blur(num(params, 'sigma')) };
      return frame;
    },
  },
  {
    method_id: 'PRE-006', method_name: 'normalize_contrast', kind: 'preprocessing', reference: 'contrast',
    description: 'Stretches the levels about the mean so the luma standard deviation equals the reference image\'s (median contrast of the project).',
    ranges: { gain: range(0.25, 4, 'ratio', DARKROOM) },
    async parameters(frame, { reference }) {
      const statistics = await measure(frame);
      const goal = target(statistics.contrast, reference);
      const gain = fixed(statistics.contrast > 0 ? clamp(goal / statistics.contrast, 0.25, 4) : 1);
      return { own: statistics.contrast, target: goal, gain, offset: fixed(statistics.brightness * (1 - gain)) };
    },
    apply: (frame, params) => ({ ...frame, image: frame.image.linear(num(params, 'gain'), num(params, 'offset')) }),
  },
  {
    method_id: 'PRE-008', method_name: 'equalize_histogram', kind: 'preprocessing', reference: 'contrast',
    description: 'Histogram matching: maps the levels so the luma histogram follows the reference image\'s (the project\'s median-contrast image; raw pixels).',
    ranges: { lut: range(0, 255, 'level', 'histogram specification, Gonzalez & Woods, Digital Image Processing, 3.3.2') },
    async parameters(frame, { reference }) {
      const own = (await measure(frame)).histogram;
      const goal = reference?.histogram ?? own;
      let u = 0;
      const lut = own.map((p) => {
        while (u < 255 && goal[u]! < p - 1e-9) u++;
        return u;
      });
      return { lut };
    },
    apply: (frame, params) => applyLut(frame, params.lut as number[]),
  },
  {
    method_id: 'PRE-009', method_name: 'high_resolution', kind: 'preprocessing',
    description: '2x Lanczos-3 upscale with sharpening (no super-resolution model runs here); at most 8192 px a side.',
    ranges: {},
    parameters: () => ({ scale: 2, sigma: 1 }),
    apply: upscale,
  },
];
