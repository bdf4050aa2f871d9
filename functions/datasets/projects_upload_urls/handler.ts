import { datasetsDeps } from '../lib/deps';
import { datasetsRoute } from '../lib/route';
import { createUploadUrls } from '../lib/uploads';
import { schema } from './schema';

const deps = datasetsDeps();

/** POST /projects/upload_urls {project_id, type_method?, ls_object_info: [{filename, size, content_type?}]} -> `{items: [{filename, key, s3_key, upload}]}`. */
export const handler = datasetsRoute(schema)
  .handler(async ({ caller, input }) => createUploadUrls(deps, caller, input.body.project_id, input.body.ls_object_info, input.body.type_method));
