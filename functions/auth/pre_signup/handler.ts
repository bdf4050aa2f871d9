import { cognito, logger } from '@darkroom/runtime';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { linkFederatedUser } from '../lib/federation';

/**
 * Cognito PreSignUp trigger: links a Google sign-in to the password account with the same e-mail
 * (see {@link linkFederatedUser}); every other sign-up passes unchanged.
 */
export const handler = middy<PreSignUpTriggerEvent, PreSignUpTriggerEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => linkFederatedUser(cognito(), event));
