import { httpHandler, respond } from '@darkroom/runtime';
import { socialDeps } from '../lib/deps';
import { createProfile } from '../lib/profiles/use-cases';
import { schema } from './schema';

const deps = socialDeps();

/**
 * POST /user {email, username, time_zone?, jwt_token?} -> 201 `{response: {id}}` (200 when the profile
 * already exists: same id). Identity is the verified Cognito ID token (Bearer, or seed 004's `jwt_token`).
 */
export const handler = httpHandler({
  envelope: 'social', auth: 'required', schema,
  tokenFrom: (event) => {
    const token = (event.body as unknown as { jwt_token?: unknown } | undefined)?.jwt_token;
    return typeof token === 'string' ? token : undefined;
  },
}).handler(async ({ caller, input }) => {
  const { id, created } = await createProfile(deps, caller, input.body);
  return respond({ id }, { statusCode: created ? 201 : 200 });
});
