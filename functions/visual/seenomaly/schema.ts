import { presignedUrlProperties, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { fileSize } from '../job/schema';

/** POST /visual/Seenomaly: seed 000's single video job. */
export const schema = {
  body: {
    type: 'object',
    properties: {
      fileName: { type: 'string', minLength: 1, maxLength: 1024 },
      email: { type: 'string', format: 'email', maxLength: 254 },
      fileSize,
    },
    required: ['fileName'],
    additionalProperties: false,
  },
} as const satisfies RouteSchema;

export const contract = {
  summary: 'Seed 000\'s single video job (Seenomaly): an upload URL; the upload itself submits the job',
  description: 'The video\'s upload (S3 event) starts its analysis. With `email`, a verification code is e-mailed; confirm it with POST /visual/job {verificationCode, jobID} to get the results mail. Optional Bearer token: the job is then that user\'s only.',
  responses: {
    201: {
      description: 'job created; PUT the video to uploadUrl with `Content-Type: <content_type>` (and exactly `fileSize` bytes when given)',
      body: {
        type: 'object',
        properties: {
          uploadUrl: { type: 'string', format: 'uri', description: 'seed 000\'s name of `url`' }, ...presignedUrlProperties,
          jobID: { type: 'string', format: 'uuid' }, fileIdx: { const: 0 }, content_type: { type: 'string' },
        },
        required: ['uploadUrl', 'url', 'expires_in', 'expires_at', 'jobID', 'fileIdx', 'content_type'],
      },
    },
    413: { description: '`fileSize` is over the limit of a video (200 MB)' },
  },
} as const satisfies RouteContract;
