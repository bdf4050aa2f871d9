import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { MAX_REGISTER_OBJECTS } from '../lib/limits';
import { bytes, filename, objectList, projectBody, typeMethod } from '../lib/schemas';

/** POST /projects/delete_images (seed 003). `size` is accepted for compatibility; the stored size is what counts. */
export const schema = {
  body: projectBody({
    ls_object_info: objectList(MAX_REGISTER_OBJECTS, { filename, type_method: typeMethod, size: bytes }, ['filename', 'type_method']),
  }, ['ls_object_info']),
} as const satisfies RouteSchema;

const entry = { type: 'object', properties: { filename: { type: 'string' }, type_method: { type: 'string' } }, required: ['filename', 'type_method'] } as const;

export const contract = {
  summary: 'Delete images of a project',
  description: 'Deletes the records (group counters move by the stored sizes) and the objects. Unknown names are ignored and reported in `not_found`.',
  responses: {
    200: {
      description: 'What was deleted and what was not found',
      body: { type: 'object', properties: { deleted: { type: 'array', items: entry }, not_found: { type: 'array', items: entry } }, required: ['deleted', 'not_found'] },
    },
  },
} as const satisfies RouteContract;
