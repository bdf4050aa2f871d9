import { httpHandler, page } from '@darkroom/runtime';
import { listMessages } from '../lib/chat/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** GET /chat/{eventId}/messages?limit&cursor -> `{response: [messages], next_cursor}`, newest first; members only (403). */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, body: 'none' })
  .handler(async ({ caller, input }) => page(await listMessages(deps, caller, input.path.eventId, input.query)));
