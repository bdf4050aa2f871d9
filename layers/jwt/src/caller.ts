/** The authenticated principal of a request, taken from a verified Cognito token. */
export interface Caller {
  /** Cognito `sub`: the user's stable id, and the owner namespace of every object and record. */
  sub: string;
  /** Cognito username (`cognito:username` in ID tokens, `username` in access tokens). */
  username: string;
  /** E-mail address; present in ID tokens only. */
  email?: string;
  /** Cognito groups (`cognito:groups`), empty when none. */
  groups: string[];
  /** Which token the caller presented. */
  tokenUse: 'id' | 'access';
  /** Issued-at and expiry, epoch seconds. */
  issuedAt: number;
  expiresAt: number;
  /**
   * When the user authenticated (`auth_time`, epoch seconds): a token refreshed later keeps its login's
   * time, so a logout revokes the whole session, refreshed tokens included. Equals `issuedAt` when absent.
   */
  authTime: number;
  /**
   * The session the token belongs to: Cognito's `origin_jti` (the same in every ID and access token
   * issued from one refresh token, refreshed ones included), else `event_id` (the authentication event);
   * undefined when the token carries neither. A login in the very second of a logout is admitted by it
   * (see `isRevoked`).
   */
  sessionId?: string;
  /** The raw token, for calls that need it (GlobalSignOut takes the access token). */
  token: string;
}
