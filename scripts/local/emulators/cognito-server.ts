/**
 * Cognito user pools: cognito-local, composed (in the child process of cognito-child.ts) the way its
 * own createDefaultServer does, with three changes: data under dataDir (not ./.cognito), an issuer on our host and port,
 * and a Messages service that records every code into the outbox instead of printing a box.
 */
import type { Server } from 'node:http';
import pino from 'pino';
import { DefaultConfig, type Config } from 'cognito-local/lib/server/config';
import { Router } from 'cognito-local/lib/server/Router';
import { createServer } from 'cognito-local/lib/server/server';
import { DateClock, LambdaService, TriggersService, type Services } from 'cognito-local/lib/services';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import { CryptoService } from 'cognito-local/lib/services/crypto';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb';
import type { Messages } from 'cognito-local/lib/services/messages';
import { otp } from 'cognito-local/lib/services/otp';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService';
import { extendRouter } from './cognito-extras';
import type { UserPoolSpec } from '../../manifest';
import type { Outbox } from './outbox';

export interface CognitoServer {
  endpoint: string;
  /** Token issuer (`iss`) base: `<endpoint>/<poolId>` is a pool's issuer. */
  issuerDomain: string;
  /** Creates the pool and an app client unless ones with these names exist. Same ids after restart. */
  ensurePool(name: string, spec: UserPoolSpec, clientName: string): Promise<{ id: string; clientId: string }>;
  stop(): Promise<void>;
}

const SUBJECTS: Record<string, string> = {
  ForgotPassword: 'Your password reset code',
  AdminCreateUser: 'Your temporary password',
};

/** Records every Cognito message (code) in the outbox; no real delivery. */
function capturingMessages(outbox: Outbox, log: (line: string) => void): Messages {
  return {
    async deliver(_ctx, source, _clientId, _poolId, user, code, _metadata, delivery) {
      const subject = SUBJECTS[source] ?? 'Your verification code';
      outbox.add({ to: delivery.Destination ?? user.Username, subject, text: `${subject} is ${code}`, code, at: new Date().toISOString(), source: `cognito:${source}` });
      log(`[cognito] ${source} code for ${delivery.Destination}: ${code}`);
    },
  };
}

/**
 * Starts cognito-local on `host:port` with its JSON databases in `dir`.
 * @param issuerDomain - base of the tokens' `iss` (`<issuerDomain>/<poolId>`); default this server's endpoint
 * @throws Error if the port is taken.
 */
export async function startCognito(dir: string, host: string, port: number, outbox: Outbox, log: (line: string) => void, issuerDomain = `http://${host}:${port}`): Promise<CognitoServer> {
  const endpoint = `http://${host}:${port}`;
  const logger = pino({ level: 'warn', base: null }, { write: (line: string) => log(`[cognito] ${line.trim()}`) });
  const ctx: Context = { logger };
  const config: Config = {
    ...DefaultConfig,
    // Usernames are not e-mails in Darkroom (login by e-mail goes through ListUsers in our code).
    UserPoolDefaults: { UsernameAttributes: [] },
    TokenConfig: { IssuerDomain: issuerDomain },
    ServerConfig: { port, hostname: host, development: false, https: false },
  };
  const clock = new DateClock();
  const dataStores = new StormDBDataStoreFactory(dir);
  const cognito = await new CognitoServiceFactoryImpl(dir, dataStores, new UserPoolServiceFactoryImpl(clock, dataStores)).create(ctx, config.UserPoolDefaults);
  // No trigger functions are configured, so the Lambda client is never called.
  const triggers = new TriggersService(clock, cognito, new LambdaService(config.TriggerFunctions, {} as never), new CryptoService(config.KMSConfig));
  const services: Services = {
    clock,
    cognito,
    config,
    messages: capturingMessages(outbox, log),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const router = extendRouter(Router(services), services);
  const server: Server = (await createServer(router, logger, config.ServerConfig, services).start()) as Server;

  return {
    endpoint,
    issuerDomain,
    async ensurePool(name, spec, clientName) {
      const pools = await cognito.listUserPools(ctx);
      let poolId = pools.find((p) => p.Name === name)?.Id;
      if (!poolId) {
        const p = spec.passwordPolicy;
        const created = await router('CreateUserPool')(ctx, {
          PoolName: name,
          Policies: { PasswordPolicy: { MinimumLength: p.minimumLength, RequireLowercase: p.requireLowercase, RequireUppercase: p.requireUppercase, RequireNumbers: p.requireNumbers, RequireSymbols: p.requireSymbols } },
          UsernameAttributes: spec.usernameAttributes,
          AutoVerifiedAttributes: spec.autoVerifiedAttributes,
          Schema: [{ Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true }],
        });
        poolId = created.UserPool.Id as string;
      }
      const clients = await cognito.listAppClients(ctx, poolId);
      let clientId = clients.find((c) => c.ClientName === clientName)?.ClientId;
      if (!clientId) {
        const created = await router('CreateUserPoolClient')(ctx, {
          UserPoolId: poolId,
          ClientName: clientName,
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        });
        clientId = created.UserPoolClient.ClientId as string;
      }
      return { id: poolId, clientId: clientId as string };
    },
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
