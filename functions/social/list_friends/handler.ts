import { httpHandler, respond } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { listFriends } from '../lib/users';
import { schema } from './schema';

const deps = socialDeps();

/**
 * GET /user/{id}/friends?limit&cursor -> `{response: ["<id>", ...]}`, 100 per page; the next page's
 * cursor is in the `X-Next-Cursor` header (absent on the last page).
 */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => {
    const page = await listFriends(deps, caller, input.path.id, input.query);
    return respond(page.items, { headers: page.next ? { 'X-Next-Cursor': page.next } : {} });
  });
