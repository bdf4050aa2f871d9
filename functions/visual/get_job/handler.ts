import { httpHandler } from '@darkroom/runtime';
import { optionalCaller } from '../lib/caller';
import { jobDeps } from '../lib/deps';
import { jobStatus } from '../lib/jobs';
import { schema } from './schema';

const deps = jobDeps({ mail: false });

/** GET /visual/job/{jobID} -> `{jobID, status, verified, files: [{fileIdx, fileName, kind, status, findings, annotated_url?}]}`. */
export const handler = httpHandler({ envelope: 'plain', auth: 'none', schema, body: 'none' })
  .handler(async ({ input, event }) => jobStatus(deps, await optionalCaller(event), input.path.jobID));
