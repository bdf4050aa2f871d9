import { httpHandler } from '@darkroom/runtime';
import { eventLocations } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** GET /event/{id}/locations -> `{response: [{id, username, latitude, longitude, updated_at}]}`: members, from 1 h before until the end. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => eventLocations(deps, caller, input.path.id));
