import { httpHandler } from '@darkroom/runtime';
import { listPhotos } from '../lib/access';
import { photosDeps } from '../lib/deps';
import { schema } from './schema';

const deps = photosDeps();

/** POST /photos/list {limit?, cursor?} -> `{photos: [{filename, size, content_type, width, height, uploaded_at, thumbnail_url, status}], next_cursor, next_token}`, newest first. */
export const handler = httpHandler({ envelope: 'plain', auth: 'required', schema })
  .handler(async ({ caller, input }) => listPhotos(deps, caller.sub, input.body));
