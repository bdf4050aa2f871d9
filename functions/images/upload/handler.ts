import { httpHandler, respond } from '@darkroom/runtime';
import { imagesDeps } from '../lib/deps';
import { createUpload } from '../lib/uploads';
import { schema } from './schema';

const deps = imagesDeps();

/** POST /images/upload -> 201 `{image_id, file_name, status, upload: {method, url, fields, ...}}`. */
export const handler = httpHandler({ envelope: 'plain', auth: 'required', schema, idempotency: true })
  .handler(async ({ caller, input }) => respond(await createUpload(
    { s3: deps.s3, images: deps.images, bucket: deps.originalsBucket }, caller.sub, input.body,
  ), { statusCode: 201 }));
