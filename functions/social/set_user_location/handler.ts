import { httpHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { setUserLocation } from '../lib/profiles/use-cases';
import { schema } from './schema';

const deps = socialDeps();

/** POST /user/{id}/location {latitude, longitude} (string floats or numbers) -> `{response: "success"}`; the user themself only (403). */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => setUserLocation(deps, caller, input.path.id, input.body));
