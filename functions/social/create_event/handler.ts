import { httpHandler, respond } from '@darkroom/runtime';
import { createEvent } from '../lib/events/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** POST /event (seed 004's event body, plus `time_zone` and `repeat_from`) -> 201 `{response: {id}}`. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, idempotency: true })
  .handler(async ({ caller, input }) => respond(await createEvent(deps, caller, input.body), { statusCode: 201 }));
