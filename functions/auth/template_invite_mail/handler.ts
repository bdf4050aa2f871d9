import { httpHandler, respond } from '@darkroom/runtime';
import { invitationTemplate } from '../lib/invitations';

/**
 * GET /auth/template-invite-mail (Bearer) -> 200 `{message, data: {template_mail, subject, placeholders}, error}`:
 * the invitation's text with `{{username}}` and `{{destination_email}}`, each described in `placeholders`.
 */
export const handler = httpHandler({ envelope: 'auth', auth: 'required', body: 'none' })
  .handler(async () => respond(invitationTemplate(), { message: 'Invitation template' }));
