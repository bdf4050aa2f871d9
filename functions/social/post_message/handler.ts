import { httpHandler, respond } from '@darkroom/runtime';
import { chatSendDeps, sendChatMessage } from '../lib/chat/send';
import { socialDeps } from '../lib/deps';
import { schema } from './schema';

const deps = chatSendDeps(socialDeps());

/**
 * POST /chat/{eventId}/messages {message} -> 201 `{response: {id, sender, message, sent_at}}`; members
 * only (403). Pushed to every connected member's socket. An `Idempotency-Key` header makes a resend
 * answer the first answer (httpHandler's `idempotency`); the socket's `send` keys its own frames.
 */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema, idempotency: true })
  .handler(async ({ caller, input }) => respond(
    (await sendChatMessage(deps, caller, input.path.eventId, input.body.message)).message,
    { statusCode: 201 },
  ));
