import { cognito, invocationScoped } from '@darkroom/runtime';
import middy from '@middy/core';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { linkFederatedUser } from '../lib/federation';

/**
 * Cognito PreSignUp trigger: links a Google sign-in to the password account with the same e-mail
 * (see {@link linkFederatedUser}); every other sign-up passes unchanged. Logs carry the function's
 * service and context ({@link invocationScoped}).
 */
export const handler = invocationScoped(middy<PreSignUpTriggerEvent, PreSignUpTriggerEvent>()
  .handler(async (event) => linkFederatedUser(cognito(), event)));
