import { httpHandler } from '@darkroom/runtime';
import { readUploadBody } from '../lib/body';
import { unzipDeps } from '../lib/deps';
import { MAX_DIRECT_BYTES } from '../lib/limits';
import { unzip, type UnzipRequest } from '../lib/unzip';
import { schema as jsonSchema } from './json/schema';
import { schema } from './schema';

const deps = unzipDeps(true);
const tooLargeHint = 'Send {"upload": {"size": <bytes>}} as JSON to POST /photos/unzip for a presigned upload URL, then {"archive_key"}.';

/**
 * POST /photos/unzip: an archive as the body, or JSON `{archive_key}` -> 200 `{mode: 'sync', landed, skipped, ...}`
 * or 202 `{mode: 'async', job_id, ...}`; `{upload: {size}}` -> 201 `{archive_key, upload}`; `{job_id}` -> the job.
 */
export const handler = httpHandler({ envelope: 'plain', auth: 'required', schema, body: 'raw' })
  .handler(async ({ caller, event }) => unzip(
    deps, caller.sub, await readUploadBody<UnzipRequest>(event, { maxBytes: MAX_DIRECT_BYTES, tooLargeHint, jsonSchema }),
  ));
