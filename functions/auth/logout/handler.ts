import { accountsDeps, logOut } from '@darkroom/accounts';
import { httpHandler, respond } from '@darkroom/runtime';
import { schema } from './schema';

const deps = accountsDeps();

/**
 * POST /auth/logout -> 200 `{message, data: {username, logged_out_at}, error: false}`. From then on every
 * Darkroom endpoint refuses the caller's earlier tokens (401) and /auth/refresh_token their refresh tokens.
 */
export const handler = httpHandler({ envelope: 'auth', auth: 'required', schema })
  .handler(async ({ caller, input }) => respond(await logOut(deps, caller, input.body), { message: 'Logged out' }));
