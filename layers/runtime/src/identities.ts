/**
 * Cognito identity-pool identities of signed-in users: their identity id (`<region>:<uuid>`, the
 * prefix of their objects in the datasets bucket, seed 003's `identity_id`) and temporary AWS
 * credentials for it. The id is cached per user in the auth table (`pk = IDENTITY#<sub>`), so it is
 * looked up once per user, and services that receive only an access token can still find it.
 *
 * Source: Amazon Cognito Identity API reference, GetId and GetCredentialsForIdentity (enhanced,
 * authenticated flow: https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html).
 */
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import { dynamo } from './aws';
import { loadConfig } from './config';
import { DomainError } from './errors';
import { tracer } from './observability';

/** Seed 003's credential fields of a login answer. */
export interface IdentityCredentials {
  identity_id: string;
  /** AccessKeyId of the temporary credentials. */
  access_key: string;
  /** SecretKey. */
  secret_key: string;
  /** SessionToken: send it as `x-amz-security-token` (the SDKs' `sessionToken`). */
  session_key: string;
  /** When the credentials stop working, ISO 8601 UTC. */
  expires_at: string;
}

/** What {@link identityStore} needs. */
export interface IdentityDeps {
  identity: CognitoIdentityClient;
  identityPoolId: string;
  doc: DynamoDBDocumentClient;
  /** The auth table (`pk`/`sk` string keys). */
  authTable: string;
}

/** The auth-table key of a user's cached identity id. */
export const identityKey = (sub: string) => ({ pk: `IDENTITY#${sub}`, sk: 'IDENTITY' });

/** The `Logins` map of an ID token: its issuer without the scheme (`cognito-idp.<region>.amazonaws.com/<pool id>`) -> the token. */
export function loginsOf(idToken: string): Record<string, string> {
  const { payload } = decomposeUnverifiedJwt(idToken);
  return { [String(payload.iss).replace(/^https?:\/\//, '')]: idToken };
}

const unavailable = () => {
  const error = new DomainError(502, 'Temporary credentials are unavailable: try again later');
  (error as { expose: boolean }).expose = true;
  return error;
};

/** The identity store of a deployment: identity id lookups and credentials. */
export interface IdentityStore {
  /** @returns the cached identity id of `sub`, or undefined when the user has not been seen yet */
  cachedIdentityId(sub: string): Promise<string | undefined>;
  /**
   * @returns the identity id of the ID token's user: cached, or from GetId (then cached)
   * @throws 502 when Cognito Identity refuses or fails
   */
  identityId(sub: string, idToken: string): Promise<string>;
  /**
   * Like {@link identityId} but writes nothing (for functions that may only read the auth table).
   * @returns the cached identity id, else GetId's answer for the ID token, else undefined when no ID token is given
   * @throws 502 when Cognito Identity refuses or fails
   */
  lookupIdentityId(sub: string, idToken?: string): Promise<string | undefined>;
  /**
   * Temporary credentials for the ID token's user (GetCredentialsForIdentity with the token's login map).
   * @throws 502 when Cognito Identity refuses or fails
   */
  credentials(sub: string, idToken: string): Promise<IdentityCredentials>;
}

/** {@link IdentityStore} over Cognito Identity and the auth table. */
export function identityStoreOf(deps: IdentityDeps): IdentityStore {
  const getId = async (idToken: string): Promise<string> => {
    const { IdentityId } = await deps.identity.send(new GetIdCommand({ IdentityPoolId: deps.identityPoolId, Logins: loginsOf(idToken) })).catch((error: unknown) => {
      tracer.addErrorAsMetadata(error as Error);
      throw unavailable();
    });
    if (!IdentityId) throw unavailable();
    return IdentityId;
  };
  const store: IdentityStore = {
    async cachedIdentityId(sub) {
      const { Item } = await deps.doc.send(new GetCommand({ TableName: deps.authTable, Key: identityKey(sub) }));
      return typeof Item?.identity_id === 'string' ? Item.identity_id : undefined;
    },
    async identityId(sub, idToken) {
      const cached = await store.cachedIdentityId(sub);
      if (cached) return cached;
      const identityId = await getId(idToken);
      // GetId answers one id per user for ever: a concurrent first login writes the same value.
      await deps.doc.send(new PutCommand({ TableName: deps.authTable, Item: { ...identityKey(sub), identity_id: identityId, created_at: new Date().toISOString() } }));
      return identityId;
    },
    async lookupIdentityId(sub, idToken) {
      return (await store.cachedIdentityId(sub)) ?? (idToken ? getId(idToken) : undefined);
    },
    async credentials(sub, idToken) {
      const identityId = await store.identityId(sub, idToken);
      const { Credentials } = await deps.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: loginsOf(idToken) })).catch((error: unknown) => {
        tracer.addErrorAsMetadata(error as Error);
        throw unavailable();
      });
      if (!Credentials?.AccessKeyId || !Credentials.SecretKey || !Credentials.SessionToken || !Credentials.Expiration) throw unavailable();
      return {
        identity_id: identityId,
        access_key: Credentials.AccessKeyId,
        secret_key: Credentials.SecretKey,
        session_key: Credentials.SessionToken,
        expires_at: Credentials.Expiration.toISOString(),
      };
    },
  };
  return store;
}

let client: CognitoIdentityClient | undefined;
/** The Cognito Identity client, created once per cold start (locally `AWS_ENDPOINT_URL_COGNITO_IDENTITY` points it at the emulator). */
export const cognitoIdentity = (): CognitoIdentityClient => (client ??= tracer.captureAWSv3Client(new CognitoIdentityClient({
  requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 }, maxAttempts: 3,
})));

/**
 * The deployment's identity store: IDENTITY_POOL_ID and AUTH_TABLE from the environment.
 * @throws ConfigError when either is missing
 */
export function identityStore(): IdentityStore {
  const { identityPoolId, authTable } = loadConfig({ identityPoolId: 'IDENTITY_POOL_ID', authTable: 'AUTH_TABLE' });
  return identityStoreOf({ identity: cognitoIdentity(), identityPoolId, doc: dynamo(), authTable });
}
