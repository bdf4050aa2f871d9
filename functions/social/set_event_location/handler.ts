import { httpHandler } from '@darkroom/runtime';
import { setEventLocation } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** POST /event/{id}/location {latitude, longitude} -> `{response: "success"}`: the owner sets the event's place. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => setEventLocation(deps, caller, input.path.id, input.body));
