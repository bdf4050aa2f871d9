import { httpHandler } from '@darkroom/runtime';
import { deletePhotos } from '../lib/access';
import { photosDeps } from '../lib/deps';
import { schema } from './schema';

const deps = photosDeps();

/** POST /photos/delete {file} | {files: [...]} -> `{deleted: [...], not_found: [...]}`; idempotent. */
export const handler = httpHandler({ envelope: 'plain', auth: 'required', schema })
  .handler(async ({ caller, input }) => deletePhotos(deps, caller.sub, input.body));
