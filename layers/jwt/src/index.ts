/**
 * @darkroom/jwt: the JWT-decoding layer every authenticated Darkroom function shares (seed 002's
 * "JWT decoding code in a lambda layer", done with verification). Deployed as a Lambda layer and
 * loaded from /opt/nodejs; locally an npm workspace package.
 */
export type { Caller } from './caller';
export { createTokenVerifier, sessionIdOf, type TokenVerifier, type VerifierConfig } from './verifier';
export { isRevoked, revocationKey, type Revocation, type RevocationStore, type SessionOfToken } from './revocations';
export { jwtAuth, bearerToken, type AuthContext, type JwtAuthOptions } from './middleware';
export { LoopbackHttpFetcher } from './fetcher';
