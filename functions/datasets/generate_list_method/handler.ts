import { datasetsRoute } from '../lib/route';
import { listMethods } from '../lib/methods';
import { schema } from './schema';

/** POST /generate/list_method -> `{augmentation: [{method_id, method_name, description, parameters}], preprocessing: [...]}`. */
export const handler = datasetsRoute(schema).handler(async () => listMethods());
