import { AdminLinkProviderForUserCommand, ListUsersCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { filterValue } from '@darkroom/accounts';

/** Federated users' usernames are `<Provider>_<provider's subject>`, e.g. `Google_1234567890`. */
const FEDERATED_USERNAME = /^(Google|Facebook|LoginWithAmazon|SignInWithApple)_(.+)$/i;

/** The provider name Cognito uses in AdminLinkProviderForUser, by the prefix of the username. */
const PROVIDER_NAMES: Record<string, string> = { google: 'Google', facebook: 'Facebook', loginwithamazon: 'LoginWithAmazon', signinwithapple: 'SignInWithApple' };

/**
 * Pre-sign-up trigger logic: when a user signs in with Google (`PreSignUp_ExternalProvider`) and a
 * password account already has that e-mail address, links the Google identity to that account
 * (AdminLinkProviderForUser) so one person stays one user (one sub, one set of photos). Other sign-ups
 * pass unchanged.
 * @returns the event, with `response` left as Cognito gave it (no auto-confirmation is needed: Cognito
 *   confirms federated users itself)
 * @throws the Cognito error when linking fails (Cognito then refuses the sign-in, which the user can retry)
 */
export async function linkFederatedUser(cognito: CognitoIdentityProviderClient, event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  if (event.triggerSource !== 'PreSignUp_ExternalProvider') return event;
  const federated = FEDERATED_USERNAME.exec(event.userName);
  const email = event.request.userAttributes.email;
  if (!federated || !email) return event;
  const { Users = [] } = await cognito.send(new ListUsersCommand({ UserPoolId: event.userPoolId, Filter: `email = ${filterValue(email)}`, Limit: 10 }));
  const existing = Users.find((user) => user.UserStatus !== 'EXTERNAL_PROVIDER' && !FEDERATED_USERNAME.test(user.Username ?? ''));
  if (!existing?.Username) return event;
  await cognito.send(new AdminLinkProviderForUserCommand({
    UserPoolId: event.userPoolId,
    DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: existing.Username },
    SourceUser: {
      ProviderName: PROVIDER_NAMES[federated[1]!.toLowerCase()]!,
      ProviderAttributeName: 'Cognito_Subject',
      ProviderAttributeValue: federated[2]!,
    },
  }));
  return event;
}
