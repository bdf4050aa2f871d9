import { httpHandler } from '@darkroom/runtime';
import { jobDeps } from '../lib/deps';
import { addFile, changeEmail, createJob, submitJob, verifyCode } from '../lib/jobs';
import { acceptedShapes, JOB_SHAPES } from '../lib/shapes';
import { schema } from './schema';

const deps = jobDeps({ queue: true });

/**
 * POST /visual/job: seed 000's one polymorphic route; the body's shape picks the action. The token is
 * optional: a job created with one is its owner's only.
 */
export const handler = httpHandler({ envelope: 'plain', auth: 'optional', schema, idempotency: true })
  .handler(async ({ input, caller }) => {
    const body = input.body;
    if ('uploadDone' in body) return submitJob(deps, caller, body);
    if ('verificationCode' in body) return verifyCode(deps, caller, body);
    if ('fileName' in body) return 'jobID' in body ? addFile(deps, caller, body) : createJob(deps, caller, body);
    return changeEmail(deps, caller, body);
  })
  .use(acceptedShapes(JOB_SHAPES));
