import { accountsDeps } from '@darkroom/accounts';
import { httpHandler, respond } from '@darkroom/runtime';
import { resendConfirmationCode } from '../lib/accounts';
import { schema } from './schema';

const deps = accountsDeps();

/**
 * POST /auth/resend_confirmcode -> 200 `{message, data: {username, delivery}, error: false}`, the same for an
 * unknown username and a confirmed account (no user enumeration); 429 past 5 code e-mails per username per hour.
 */
export const handler = httpHandler({ envelope: 'auth', auth: 'none', schema })
  .handler(async ({ input }) => respond(await resendConfirmationCode(deps, input.body), {
    message: 'If the account exists and is not confirmed yet, a new confirmation code has been sent to its e-mail address',
  }));
