import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { tokenFields } from '../lib/schemas';

/** POST /generate/list_method: seed 003 sends only `id_token`. */
export const schema = {
  body: { type: 'object', properties: { ...tokenFields }, additionalProperties: false },
} as const satisfies RouteSchema;

const range = {
  type: 'object',
  required: ['min', 'max', 'unit', 'source'],
  properties: { min: { type: 'number' }, max: { type: 'number' }, integer: { type: 'boolean' }, unit: { type: 'string' }, source: { type: 'string' } },
} as const;
const method = {
  type: 'object',
  required: ['method_id', 'method_name', 'description', 'parameters'],
  properties: {
    method_id: { type: 'string', pattern: '^(AUG|PRE)-[0-9]{3}$' },
    method_name: { type: 'string' },
    description: { type: 'string' },
    parameters: { type: 'object', additionalProperties: range, description: 'documented range of each drawn parameter, with its source' },
  },
} as const;

export const contract = {
  summary: 'List the preprocessing and augmentation methods',
  description: 'Every method Darkroom runs, with the original platform\'s stable ids and names, what it does here (sharp on Lambda; super_resolution and high_resolution are a 2x Lanczos upscale with sharpening, no model) and the documented range of each random parameter.',
  responses: {
    200: {
      description: 'The methods by kind, in id order',
      body: { type: 'object', required: ['augmentation', 'preprocessing'], properties: { augmentation: { type: 'array', items: method }, preprocessing: { type: 'array', items: method } } },
    },
  },
} as const satisfies RouteContract;
