/**
 * JSON Schema pieces of the login routes (auth user_login, photos login). Limits are Cognito's
 * (username 128, password 256 characters: Amazon Cognito API Reference, SignUp `Username` and
 * `Password`).
 */
export const username = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$' } as const;
export const password = { type: 'string', minLength: 1, maxLength: 256 } as const;
