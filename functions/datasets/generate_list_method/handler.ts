import { generationRoute } from '../lib/generation-route';
import { listMethods } from '../lib/methods';
import { schema } from './schema';

/** POST /generate/list_method -> `{augmentation: [{method_id, method_name, description, parameters}], preprocessing: [...]}`. */
export const handler = generationRoute(schema).handler(async () => listMethods());
