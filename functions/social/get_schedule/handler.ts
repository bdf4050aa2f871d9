import { httpHandler } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { userSchedule } from '../lib/profiles/use-cases';
import { schema } from './schema';

const deps = socialDeps();

/** GET /user/{id}/schedule -> `{response: {id, username, schedule: [events]}}`: the caller's own, or a friend's (404 otherwise). */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => userSchedule(deps, caller, input.path.id));
