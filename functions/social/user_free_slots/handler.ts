import { httpHandler } from '@darkroom/runtime';
import { userFreeSlots } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** GET /user/{id}/free_slots?from&to&min_duration&max_weight -> `{response: [{start_at, end_at, weight}]}`. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => userFreeSlots(deps, caller, input.path.id, input.query));
