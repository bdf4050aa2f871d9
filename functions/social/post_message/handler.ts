import { httpHandler, respond } from '@darkroom/runtime';
import { postMessage } from '../lib/chat/use-cases';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = socialDeps();

/** POST /chat/{eventId}/messages {message} -> 201 `{response: {id, sender, message, sent_at}}`; members only (403). */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => respond(await postMessage(deps, caller, input.path.eventId, input.body.message), { statusCode: 201 }));
