import { httpHandler } from '@darkroom/runtime';
import { accountsDeps } from '../../auth/lib/index';
import { logOut } from '../lib/sessions';
import { schema } from './schema';

const deps = accountsDeps();

/** PUT /user/{id}/logout -> `{response: "success"}`: every earlier token of the caller is refused from then on (401). */
export const handler = httpHandler({ envelope: 'social', auth: 'required', schema })
  .handler(async ({ caller, input }) => logOut(deps, caller, input.path.id));
