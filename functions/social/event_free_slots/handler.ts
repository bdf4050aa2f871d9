import { httpHandler } from '@darkroom/runtime';
import { eventFreeSlots } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** GET /event/{id}/free_slots?from&to&min_duration&max_weight -> `{response: [{start_at, end_at, weight}]}`: the 10 best common slots. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => eventFreeSlots(deps, caller, input.path.id, input.query));
