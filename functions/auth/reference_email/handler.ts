import { httpHandler, respond } from '@darkroom/runtime';
import { invitationDeps } from '../lib/deps';
import { sendInvitation } from '../lib/invitations';
import { schema } from './schema';

const deps = invitationDeps();

/**
 * POST /send-mail/reference-email (Bearer) -> 200 `{message, data: {destination_email, message_id, sent_today, daily_limit}, error}`;
 * 403 when `username` is not the caller's, 400 for an invalid address, 429 past the daily limit.
 */
export const handler = httpHandler({ envelope: 'auth', auth: 'required', schema })
  .handler(async ({ caller, input }) => respond(await sendInvitation(deps, caller, input.body), { message: 'Invitation sent' }));
