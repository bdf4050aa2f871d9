/** JSON Schema pieces the auth routes share. Limits are Cognito's (username 128, password 256 characters). */
export const username = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$' } as const;
export const password = { type: 'string', minLength: 1, maxLength: 256 } as const;
export const email = { type: 'string', format: 'email', maxLength: 254 } as const;
export const confirmCode = { type: 'string', minLength: 1, maxLength: 16, pattern: '^[0-9A-Za-z]+$' } as const;
/** Cognito refresh tokens are JWE compact strings of a few KB; cognito-local's are UUIDs. */
export const refreshToken = { type: 'string', minLength: 1, maxLength: 8192, pattern: '^[A-Za-z0-9._~+/=-]+$' } as const;
/** An OAuth 2.0 authorization code as the hosted UI issues it (a UUID on Cognito): printable ASCII. */
export const authorizationCode = { type: 'string', minLength: 1, maxLength: 2048, pattern: '^[\\x21-\\x7e]+$' } as const;
export const redirectUri = { type: 'string', format: 'uri', maxLength: 2048 } as const;

