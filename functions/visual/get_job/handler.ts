import { httpHandler } from '@darkroom/runtime';
import { jobDeps } from '../lib/deps';
import { jobStatus } from '../lib/jobs';
import { schema } from './schema';

const deps = jobDeps({ mail: false });

/** GET /visual/job/{jobID} -> `{jobID, status, verified, files: [{fileIdx, fileName, kind, status, findings, annotated?}]}`; the token is optional (a job created with one is its owner's only). */
export const handler = httpHandler({ envelope: 'plain', auth: 'optional', schema, body: 'none' })
  .handler(async ({ input, caller }) => jobStatus(deps, caller, input.path.jobID));
