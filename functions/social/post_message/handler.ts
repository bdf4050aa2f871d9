import { httpHandler, respond } from '@darkroom/runtime';
import { chatSendDeps, sendChatMessage } from '../lib/chat-send';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = chatSendDeps(socialDeps());

/**
 * POST /chat/{eventId}/messages {message} -> 201 `{response: {id, sender, message, timestamp}}`; members
 * only (403). Pushed to every connected member's socket; an `Idempotency-Key` header makes a resend
 * answer the first message (422 when the key came with another text).
 */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input, event }) => respond(
    (await sendChatMessage(deps, caller, input.path.eventId, input.body.message, event.headers['idempotency-key'])).message,
    { statusCode: 201 },
  ));
