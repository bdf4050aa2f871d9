import { httpHandler, page } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { listFriends } from '../lib/profiles/use-cases';
import { schema } from './schema';

const deps = socialDeps();

/** GET /user/{id}/friends?limit&cursor -> `{response: ["<id>", ...], next_cursor}`, at most 100 per page. */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => page(await listFriends(deps, caller, input.path.id, input.query)));
