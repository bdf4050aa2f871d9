import { downloadContract, downloadSchema } from '../lib/download-schema';

/** GET /images/download/thumbnail?image_id=...&user_id=...&redirect=true */
export const schema = downloadSchema;

/** What the route answers (plain envelope: the whole body). */
export const contract = downloadContract('thumbnail');
