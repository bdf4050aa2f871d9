import type { RouteContract, RouteSchema } from '@darkroom/runtime';
import { pathIds, success } from '../lib/schemas';

/** DELETE /user/{id}/friends/{friendId}. */
export const schema = { path: pathIds('id', 'friendId') } as const satisfies RouteSchema;

export const contract = {
  summary: 'End a friendship',
  description: 'Deletes both friendship items in one transaction. Only the user themself (403); 404 when they are not friends.',
  responses: { 200: { description: 'Ended', body: success } },
} as const satisfies RouteContract;
