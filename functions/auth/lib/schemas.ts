/** JSON Schema pieces the auth routes share. Limits are Cognito's (username 128, password 256 characters). */
export const username = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$' } as const;
export const password = { type: 'string', minLength: 1, maxLength: 256 } as const;
export const email = { type: 'string', format: 'email', maxLength: 254 } as const;
export const confirmCode = { type: 'string', minLength: 1, maxLength: 16, pattern: '^[0-9A-Za-z]+$' } as const;
