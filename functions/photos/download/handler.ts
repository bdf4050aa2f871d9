import { httpHandler } from '@darkroom/runtime';
import { downloadPhoto } from '../lib/access';
import { photosDeps } from '../lib/deps';
import { schema } from './schema';

const deps = photosDeps();

/** POST /photos/download {filename} -> `{filename, url, expires_in, size, content_type, width, height, uploaded_at, thumbnail_url, status}`. */
export const handler = httpHandler({ envelope: 'plain', auth: 'required', schema })
  .handler(async ({ caller, input }) => downloadPhoto(deps, caller.sub, input.body));
