/**
 * The auth domain's public entry: the only module of functions/ that another service may import
 * (ESLint's `darkroom/no-cross-service-import` rule). Export here only what other services need.
 */
export { accountsDeps } from './deps';
export { logIn, logOut, type SessionTokens } from './sessions';
export { username, password } from './schemas';
