/** JSON Schema pieces the auth routes share; `username` and `password` are the accounts layer's (photos' login takes them too). */
export { username, password } from '@darkroom/accounts';
export const email = { type: 'string', format: 'email', maxLength: 254 } as const;
export const confirmCode = { type: 'string', minLength: 1, maxLength: 16, pattern: '^[0-9A-Za-z]+$' } as const;
/** Cognito refresh tokens are JWE compact strings of a few KB; cognito-local's are UUIDs. */
export const refreshToken = { type: 'string', minLength: 1, maxLength: 8192, pattern: '^[A-Za-z0-9._~+/=-]+$' } as const;
/** An OAuth 2.0 authorization code as the hosted UI issues it (a UUID on Cognito): printable ASCII. */
export const authorizationCode = { type: 'string', minLength: 1, maxLength: 2048, pattern: '^[\\x21-\\x7e]+$' } as const;
export const redirectUri = { type: 'string', format: 'uri', maxLength: 2048 } as const;


/** Response schemas (the `data` of the auth envelope) the auth routes' contracts share. */
const responseUsername = { type: 'string', minLength: 1 } as const;
/** How Cognito delivered a code: `email` (the pool verifies e-mail addresses). */
export const delivery = { type: 'string', enum: ['email', 'sms'] } as const;

/** `data` of a login or refresh: seed 003's tokens (see SessionTokens of @darkroom/accounts, layers/accounts/src/sessions.ts). */
export const sessionTokens = {
  type: 'object',
  properties: {
    id_token: { type: 'string', minLength: 1, description: 'Cognito ID token: the Bearer token of every other route' },
    token: { type: 'string', minLength: 1, description: 'Cognito access token (seed 003 calls it token)' },
    refresh_token: { type: 'string', minLength: 1 },
    expires_in: { type: 'integer', minimum: 1, description: 'seconds until the ID and access tokens expire' },
    token_type: { const: 'Bearer' },
    identity_id: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d:[0-9a-f-]+$', description: "the caller's identity id in the Cognito identity pool (<region>:<uuid>): the prefix of their objects in the datasets bucket" },
    access_key: { type: 'string', minLength: 16, description: 'temporary AWS credentials of the identity: access key id' },
    secret_key: { type: 'string', minLength: 1, description: 'temporary AWS credentials: secret access key' },
    session_key: { type: 'string', minLength: 1, description: 'temporary AWS credentials: session token (x-amz-security-token)' },
    expires_at: { type: 'string', format: 'date-time', description: 'when the temporary credentials expire (ISO 8601 UTC); refresh (POST /auth/refresh_token) for new ones' },
    user_sub: { type: 'string', minLength: 1, description: "the caller's stable user id (Cognito sub): the owner prefix of photos and images" },
    username: responseUsername,
    email: { type: 'string' },
  },
  required: ['id_token', 'token', 'expires_in', 'token_type', 'identity_id', 'access_key', 'secret_key', 'session_key', 'expires_at', 'user_sub', 'username'],
  additionalProperties: false,
} as const;

/** `Authorization: Bearer <id_token>` on a login's answer (seed 003's clients read it). */
export const bearerHeader = {
  Authorization: { description: 'Bearer <id_token>, as seed 003 sent it', required: true, schema: { type: 'string', pattern: '^Bearer ' } },
} as const;

/** The `{username, delivery}` data of the routes that send a code. */
export const codeSent = {
  type: 'object', properties: { username: responseUsername, delivery }, required: ['username', 'delivery'], additionalProperties: false,
} as const;

/** The 429 every rate-limited auth route answers, with the seconds to wait. */
export const rateLimited = {
  description: 'Too many attempts for this username (or sender): wait Retry-After seconds',
  headers: { 'Retry-After': { description: 'seconds until the limit resets', required: true, schema: { type: 'integer', minimum: 1 } } },
} as const;
