import { createTokenVerifier, jwtAuth, type JwtAuthOptions } from '@darkroom/jwt';
import { dynamo } from './aws';
import { loadConfig, optionalEnv } from './config';
import { dynamoRevocationStore } from './revocations';

let shared: Omit<JwtAuthOptions, 'tokenFrom' | 'sameUserTokenFrom'> | undefined;

/**
 * The verifier and revocation store every authenticated function shares, built once per cold start from
 * `USER_POOL_ID`, `USER_POOL_CLIENT_ID`, `AUTH_TABLE` (and, on the local stack, `JWT_ISSUER`, `JWKS_URI`).
 * @throws ConfigError when one of the required variables is missing
 */
export function authDependencies(): Omit<JwtAuthOptions, 'tokenFrom' | 'sameUserTokenFrom'> {
  if (!shared) {
    const config = loadConfig({ userPoolId: 'USER_POOL_ID', clientId: 'USER_POOL_CLIENT_ID', authTable: 'AUTH_TABLE' });
    shared = {
      verifier: createTokenVerifier({
        userPoolId: config.userPoolId,
        clientId: config.clientId,
        localIssuer: optionalEnv('JWT_ISSUER'),
        localJwksUri: optionalEnv('JWKS_URI'),
      }),
      // The jwt layer carries no SDK: the store is the runtime's, on the function's bundled DocumentClient.
      revocations: dynamoRevocationStore(dynamo(), config.authTable),
    };
  }
  return shared;
}

/** The JWT middleware with the shared dependencies; see {@link jwtAuth}. */
export const authenticate = (tokenFrom?: JwtAuthOptions['tokenFrom'], sameUserTokenFrom?: JwtAuthOptions['sameUserTokenFrom']) =>
  jwtAuth({ ...authDependencies(), tokenFrom, sameUserTokenFrom });
