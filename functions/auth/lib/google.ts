import type { RevocationStore, TokenVerifier } from '@darkroom/jwt';
import { DomainError, badRequest, logger } from '@darkroom/runtime';
import { admitSession, sessionTokens, type SessionTokens } from '@darkroom/accounts';

/**
 * The error codes of an OAuth 2.0 token endpoint (RFC 6749 section 5.2): the only part of its answer a
 * client is shown; anything else it says stays in the log.
 */
const OAUTH_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/** What the Google sign-in needs: the hosted-UI domain's token endpoint and the pool's app client. */
export interface GoogleDeps {
  /** `https://<domain>.auth.<region>.amazoncognito.com/oauth2/token` (Terraform output `oauth_token_url`). */
  tokenUrl: string;
  /** The public app client (no secret) the hosted UI issued the code to. */
  clientId: string;
  /** Checks the ID token the endpoint returns (issuer, client, signature), as every Darkroom endpoint will. */
  verifier: TokenVerifier;
  /** Where a login right after a logout is admitted (see `admitSession`). */
  revocations: RevocationStore;
  /** Milliseconds to wait for the token endpoint; default 5,000. */
  timeoutMs?: number;
}

/** The token endpoint's answer (RFC 6749 §5.1, §5.2). */
interface TokenResponse {
  id_token?: string; access_token?: string; refresh_token?: string; expires_in?: number; token_type?: string;
  error?: string; error_description?: string;
}

/** A 502 whose fixed message says which dependency failed and nothing of its internals (logged instead). */
class BadGateway extends DomainError {
  constructor(message: string) {
    super(502, message);
    (this as { expose: boolean }).expose = true;
  }
}

const unavailable = (reason: string, cause?: unknown) => {
  logger.error('Google sign-in: token endpoint failed', { reason, cause: String(cause ?? '') });
  return new BadGateway('Google sign-in is unavailable: try again later');
};

/**
 * Signs a user in with Google through Cognito's hosted UI: exchanges the authorization code the hosted UI
 * gave `redirect_uri` (grant_type=authorization_code, public client) at the user pool domain's
 * `/oauth2/token`, and returns the same session data as a password login.
 *
 * A Google user whose e-mail already belongs to a password account was linked to it by the pre-sign-up
 * trigger (pre_signup/handler.ts), so the tokens name that account.
 * @throws 400 when the code is invalid, expired or already used, or `redirect_uri` is not the one the code
 *   was issued for (`invalid_grant`, `invalid_request`, ...); 502 when the endpoint is unreachable, slow
 *   (> timeoutMs), answers 5xx or returns tokens that do not verify
 */
export async function exchangeGoogleCode(deps: GoogleDeps, input: { code: string; redirect_uri: string }): Promise<SessionTokens> {
  let response: Response;
  try {
    response = await fetch(deps.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: deps.clientId, code: input.code, redirect_uri: input.redirect_uri }),
      signal: AbortSignal.timeout(deps.timeoutMs ?? 5_000),
      redirect: 'error',
    });
  } catch (error) {
    throw unavailable('unreachable', error);
  }
  const body = (await response.json().catch(() => ({}))) as TokenResponse;
  if (response.status >= 400 && response.status < 500) {
    logger.info('Google sign-in: code refused', { error: body.error, description: body.error_description });
    throw body.error === 'invalid_grant'
      ? badRequest('Authorization code is invalid, expired or already used: sign in with Google again')
      : badRequest(`Authorization code refused (${OAUTH_ERRORS.has(body.error ?? '') ? body.error : `HTTP ${response.status}`}): check code and redirect_uri`);
  }
  if (!response.ok || !body.id_token || !body.access_token) throw unavailable(`HTTP ${response.status}`);
  try {
    await deps.verifier.verify(body.id_token);
  } catch (error) {
    throw unavailable('ID token does not verify', error);
  }
  return admitSession(deps.revocations, sessionTokens({ IdToken: body.id_token, AccessToken: body.access_token, RefreshToken: body.refresh_token, ExpiresIn: body.expires_in }));
}
