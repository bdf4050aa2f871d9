import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Caller } from '@darkroom/jwt';
import { badRequest, forbidden } from '@darkroom/runtime';
import { takeAttempt, type LimitsDeps } from '@darkroom/accounts';
import { LIMITS } from './limits';

/** What sending invitations needs: SES, the sender address, and the auth table for the daily limit. */
export interface InvitationDeps extends LimitsDeps {
  ses: SESv2Client;
  /** Verified SES identity the mail is sent from (manifest `var:mail_from`). */
  mailFrom: string;
}

/** The placeholders of the invitation template, `{{name}}` in its text, and what each becomes. */
export const INVITATION_PLACEHOLDERS = {
  username: "the sender's Darkroom username",
  destination_email: 'the invited e-mail address',
} as const;

type Placeholder = keyof typeof INVITATION_PLACEHOLDERS;

/** The invitation mail: subject and plain-text body, with {@link INVITATION_PLACEHOLDERS}. */
export const INVITATION_TEMPLATE = {
  subject: '{{username}} invites you to Darkroom',
  text: [
    'Hello,',
    '',
    '{{username}} invites you to Darkroom, where you can keep your photos, build image datasets and share them.',
    '',
    'Create your account with this address ({{destination_email}}): sign up, then confirm it with the code we e-mail you.',
    '',
    'If you do not know {{username}}, ignore this message.',
    '',
    'The Darkroom team',
  ].join('\n'),
} as const;

/** Replaces each `{{name}}` of `template` with `values[name]`. */
export const fillTemplate = (template: string, values: Record<Placeholder, string>): string =>
  template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name as Placeholder] ?? whole);

/** GET /auth/template-invite-mail's data: seed 003's `template_mail`, plus the subject and the placeholders. */
export function invitationTemplate() {
  return { template_mail: INVITATION_TEMPLATE.text, subject: INVITATION_TEMPLATE.subject, placeholders: INVITATION_PLACEHOLDERS };
}

/**
 * One mailbox, as people type it: `local@domain.tld`, no spaces, quotes, commas, angle brackets or line
 * breaks (nothing that could add a recipient or a header), at most 254 characters (RFC 5321).
 */
const MAILBOX = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** @returns true when `address` is one syntactically valid mailbox (see {@link MAILBOX}) */
export const isMailbox = (address: string): boolean => address.length <= 254 && MAILBOX.test(address) && !address.includes('..');

/**
 * Sends the invitation mail from the caller to `destination_email` through SES.
 * @param caller - the authenticated sender; `input.username` must be theirs
 * @returns the address, the SES message id, and how many of today's {@link LIMITS.invitations} are used
 * @throws 403 when `username` is not the caller's; 400 for an address that is not one valid mailbox;
 *   429 (Retry-After: seconds to UTC midnight) past 10 invitations per sender per UTC day
 */
export async function sendInvitation(deps: InvitationDeps, caller: Caller, input: { username: string; destination_email: string }) {
  if (input.username.toLowerCase() !== caller.username.toLowerCase()) throw forbidden('You can only send invitations as yourself');
  const to = input.destination_email.trim();
  if (!isMailbox(to)) throw badRequest('destination_email: must be one valid e-mail address');
  const taken = await takeAttempt(deps, LIMITS.invitations, caller.sub);
  const values = { username: caller.username, destination_email: to };
  try {
    const { MessageId } = await deps.ses.send(new SendEmailCommand({
      FromEmailAddress: deps.mailFrom,
      Destination: { ToAddresses: [to] },
      Content: { Simple: { Subject: { Data: fillTemplate(INVITATION_TEMPLATE.subject, values) }, Body: { Text: { Data: fillTemplate(INVITATION_TEMPLATE.text, values) } } } },
    }));
    return { destination_email: to, message_id: MessageId, sent_today: taken.count, daily_limit: LIMITS.invitations.max };
  } catch (error) {
    await taken.release();
    throw error;
  }
}
