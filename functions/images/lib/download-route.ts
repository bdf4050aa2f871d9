import { httpHandler, redirect } from '@darkroom/runtime';
import { imagesDeps } from './deps';
import { downloadUrl } from './downloads';
import { downloadSchema } from './download-schema';

/**
 * The handler of a download route (`image` or `thumbnail`): the presigned URL as JSON, or a 302 to it
 * with `?redirect=true`. The two routes differ only in the variant, so they share this definition.
 */
export function downloadHandler(variant: 'image' | 'thumbnail', schema = downloadSchema) {
  const deps = imagesDeps();
  return httpHandler({ envelope: 'plain', auth: 'required', schema, body: 'none' })
    .handler(async ({ caller, input }) => {
      const result = await downloadUrl(deps, caller.sub, input.query, variant);
      return input.query.redirect ? redirect(result.url, result) : result;
    });
}
