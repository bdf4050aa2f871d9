import { httpHandler } from '@darkroom/runtime';
import { jobDeps } from '../lib/deps';
import { createJob } from '../lib/jobs';
import { schema } from './schema';

const deps = jobDeps();

/** POST /visual/Seenomaly -> 201 `{uploadUrl, url, jobID, fileIdx, content_type, expires_in, expires_at}`: a single-video job, submitted by its upload. */
export const handler = httpHandler({ envelope: 'plain', auth: 'optional', schema, idempotency: true })
  .handler(async ({ input, caller }) => createJob(deps, caller, { email: input.body.email ?? '', fileName: input.body.fileName, fileSize: input.body.fileSize }, 'single', 'video'));
