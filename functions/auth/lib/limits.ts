import { LOGIN_LIMITS, type RateLimit } from '@darkroom/accounts';

/**
 * Darkroom's auth limits, kept by the accounts layer's attempt counters (`takeAttempt`, `limited` of
 * @darkroom/accounts): the login limits ({@link LOGIN_LIMITS}, shared with photos' login) and the auth
 * service's own. Wrong codes count per username (lower-cased, as the pool is case-insensitive), whether the
 * account exists or not, so the limit reveals nothing about accounts.
 */
export const LIMITS = {
  ...LOGIN_LIMITS,
  /** 5 wrong sign-up confirmation codes per username per 15 minutes (auth_confirm). */
  confirmCode: { name: 'CONFIRM', max: 5, windowSeconds: 900, message: 'Too many wrong confirmation codes for this user: try again later' },
  /** 5 wrong password-reset codes per username per 15 minutes (confirm_code_forgot_password). */
  resetCode: { name: 'RESET', max: 5, windowSeconds: 900, message: 'Too many wrong reset codes for this user: try again later' },
  /** 5 code e-mails (resend_confirmcode, forgot_password) per username per hour. */
  codeMail: { name: 'CODEMAIL', max: 5, windowSeconds: 3600, message: 'Too many codes requested for this user: try again later' },
  /** 10 invitations per sender per UTC day (send-mail/reference-email). */
  invitations: { name: 'INVITE', max: 10, windowSeconds: 86_400, message: 'Daily invitation limit reached (10 per day): try again tomorrow' },
} as const satisfies Record<string, RateLimit>;
