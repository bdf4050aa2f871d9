import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { projectId, tokenFields } from '../lib/schemas';
import { TASK_ID } from '../lib/generation-schemas';
import { NUM_AUG_PER_IMAGE } from '../lib/generation';


/** POST /generate/images (seed 003 "Generate Images"). */
export const schema = {
  body: {
    type: 'object',
    required: ['project_id', 'project_name', 'ls_method_id', 'data_number'],
    properties: {
      ...tokenFields,
      project_id: projectId,
      project_name: { type: 'string', minLength: 1, maxLength: 75 },
      ls_method_id: { type: 'array', minItems: 1, maxItems: 27, items: { type: 'string', pattern: '^(AUG|PRE)-[0-9]{3}$' }, description: 'all PRE-xxx or all AUG-xxx (see /generate/list_method)' },
      data_type: { enum: ['ORIGINAL', 'PREPROCESS'], default: 'ORIGINAL', description: 'the group the task reads' },
      num_aug_p_img: { type: 'integer', minimum: NUM_AUG_PER_IMAGE.min, maximum: NUM_AUG_PER_IMAGE.max, description: 'augmentation: outputs per source image (default 1)' },
      data_number: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'integer', minimum: 0 }, description: '[train, val, test]: adds up to the source group\'s count, train >= 1' },
      seed: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$', description: 'Darkroom: the seed of every draw; the same seed on the same data gives the same images (default: random)' },
    },
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Start a preprocessing or augmentation task',
  description: 'Preprocessing (PRE-xxx) writes one image per source into PREPROCESS, replacing the previous run; augmentation (AUG-xxx) adds num_aug_p_img images per source to AUGMENT. '
    + 'Sources are split TRAIN/VAL/TEST by data_number with a seeded shuffle. Poll /generate/task_progress. 400: bad methods, num_aug_p_img or data_number, empty source group; 404: unknown project; 409: a generation task already runs on the project.',
  responses: {
    200: {
      description: 'The task is queued',
      body: {
        type: 'object', required: ['task_id', 'times_generated'],
        properties: { task_id: TASK_ID, times_generated: { type: 'integer', description: 'the dataset version this task makes when it finishes' } },
      },
    },
  },
} as const satisfies RouteContract;
