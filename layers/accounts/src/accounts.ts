import { ListUsersCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RevocationStore, TokenVerifier } from '@darkroom/jwt';
/** What the account and session functions need: the pool, and the auth table for limits and revocations. */
export interface AccountsDeps {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
  dynamo: DynamoDBDocumentClient;
  authTable: string;
  revocations: RevocationStore;
  verifier: TokenVerifier;
}

/** Cognito's ListUsers filter value: a double-quoted string, with `\` and `"` escaped. */
export const filterValue = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The form an e-mail address is stored and compared in: trimmed and lower-cased, so `a@EXAMPLE.com` and
 * `A@example.com` are one address. (RFC 5321 lets a local part be case-sensitive, but no mail provider
 * in use treats it so, and Cognito's own e-mail usernames are case-insensitive.)
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * @returns the username of the account with this e-mail address, compared case-insensitively (the
 *   normalised form every Darkroom sign-up stores, then the address as given, for accounts made before
 *   addresses were normalised), or undefined
 */
export async function usernameByEmail(deps: Pick<AccountsDeps, 'cognito' | 'userPoolId'>, email: string): Promise<string | undefined> {
  for (const candidate of new Set([normalizeEmail(email), email])) {
    const { Users = [] } = await deps.cognito.send(new ListUsersCommand({
      UserPoolId: deps.userPoolId, Filter: `email = ${filterValue(candidate)}`, Limit: 2,
    }));
    if (Users[0]?.Username) return Users[0].Username;
  }
  return undefined;
}

/**
 * The username a client means: seed 003 lets `username` be the account's e-mail address. An address
 * no account has is kept as given, so unknown users go through the same path as known ones.
 */
export async function resolveUsername(deps: Pick<AccountsDeps, 'cognito' | 'userPoolId'>, username: string): Promise<string> {
  return username.includes('@') ? (await usernameByEmail(deps, username)) ?? username : username;
}

