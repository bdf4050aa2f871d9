/** JSON Schema pieces the generation routes share (the shape of a task's progress). */
export const TASK_ID = { type: 'string', pattern: '^[0-9a-f]{32}$', description: 'id of the generation task' } as const;

export const PROGRESS_BODY = {
  type: 'object',
  required: ['task_id', 'project_id', 'process_type', 'status', 'number_finished', 'number_total', 'number_failed', 'reference_images', 'created_time', 'updated_at'],
  properties: {
    task_id: TASK_ID,
    project_id: { type: 'string' },
    process_type: { enum: ['PREPROCESS', 'AUGMENT'] },
    status: { enum: ['PENDING', 'RUNNING', 'FINISH', 'ERROR', 'CANCELLED'] },
    number_finished: { type: 'integer', description: 'outputs generated and registered' },
    number_total: { type: 'integer', description: 'outputs the task makes: source images x num_aug_p_img' },
    number_failed: { type: 'integer', description: 'outputs skipped because their source image could not be processed' },
    reference_images: {
      type: 'array',
      description: 'the reference image of each normalising preprocessing method: the project image with the median statistic',
      items: {
        type: 'object', required: ['method_id', 'statistic', 'filename', 'value'],
        properties: { method_id: { type: 'string' }, statistic: { type: 'string' }, filename: { type: 'string' }, value: { type: 'number' } },
      },
    },
    failures: { type: 'array', items: { type: 'object', properties: { filename: { type: 'string' }, reason: { type: 'string' } } }, description: 'the first 100 source images that failed, with why' },
    ls_method_id: { type: 'array', items: { type: 'string' }, description: 'the methods that run, in order' },
    dropped_method_id: { type: 'array', items: { type: 'string' }, description: 'methods dropped by the grayscale rule' },
    times_generated: { type: 'integer', description: 'the dataset version the task makes when it finishes' },
    seed: { type: 'string', description: 'seed of every draw; a task re-run with it gives the same images' },
    created_time: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
} as const;
