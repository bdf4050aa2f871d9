import { downloadHandler } from '../lib/download-route';
import { schema } from './schema';

/** GET /images/download/thumbnail -> `{image_id, url, expires_in, content_type, width, height, ...}`, or a 302 with ?redirect=true. */
export const handler = downloadHandler('thumbnail', schema);
