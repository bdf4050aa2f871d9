import { downloadSchema } from '../lib/download-schema';

/** GET /images/download/thumbnail?image_id=...&user_id=...&redirect=true */
export const schema = downloadSchema;
