import { presignedUrlProperties, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { UUID_V4 } from '../lib/model';
import { JOB_SHAPES } from '../lib/shapes';

const email = { type: 'string', format: 'email', maxLength: 254 } as const;
const fileName = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const jobID = { type: 'string', pattern: UUID_V4 } as const;
/** The size of the file the client will PUT, bytes: the upload URL signs it, so S3 refuses a body of another size. */
export const fileSize = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'bytes of the file to upload; the upload URL then accepts exactly this size' } as const;


/** POST /visual/job: a oneOf of seed 000's five body shapes (each closed, so a body matches at most one). */
export const schema = {
  body: {
    oneOf: [
      { type: 'object', properties: { email, fileName, fileSize }, required: ['email', 'fileName'], additionalProperties: false },
      { type: 'object', properties: { email, fileName, fileSize, jobID }, required: ['email', 'fileName', 'jobID'], additionalProperties: false },
      {
        type: 'object',
        properties: { verificationCode: { anyOf: [{ type: 'string', pattern: '^[0-9]{6}$' }, { type: 'integer', minimum: 0, maximum: 999999 }] }, jobID },
        required: ['verificationCode', 'jobID'], additionalProperties: false,
      },
      { type: 'object', properties: { email, jobID }, required: ['email', 'jobID'], additionalProperties: false },
      { type: 'object', properties: { uploadDone: { enum: ['true', true] }, jobID }, required: ['uploadDone', 'jobID'], additionalProperties: false },
    ],
  },
} as const satisfies RouteSchema;

const upload = {
  type: 'object',
  properties: {
    uploadUrl: { type: 'string', format: 'uri', description: 'presigned S3 PUT (seed 000\'s name of `url`); send the file with exactly `Content-Type: <content_type>`, and exactly `fileSize` bytes when it was given' },
    ...presignedUrlProperties,
    jobID: { type: 'string', format: 'uuid' },
    fileIdx: { type: 'integer', minimum: 0, maximum: 99 },
    content_type: { type: 'string' },
  },
  required: ['uploadUrl', 'url', 'expires_in', 'expires_at', 'jobID', 'fileIdx', 'content_type'],
} as const;

export const contract = {
  summary: 'Seed 000\'s batch job: add files, verify the e-mailed code, change the address, submit',
  description: [
    'One polymorphic route, as the seed: the body is one of ' + JOB_SHAPES.map((s) => `${s.fields} (${s.purpose})`).join('; ') + '.',
    'A body matching none is a 400 that names them. Optional `Authorization: Bearer`: a job created with a token belongs to that user only;',
    'without one the jobID is the capability. Upload URLs are presigned PUTs (15 min, Content-Type fixed; with `fileSize`, the size too, and a `fileSize` over the limit is a 413). At most 100 files a job;',
    'codes expire after 15 min and 5 wrong tries lock verification (429) until a new address is given.',
  ].join(' '),
  responses: {
    200: {
      description: 'code verified, or address changed (a new code was sent)',
      body: {
        type: 'object',
        properties: { jobID: { type: 'string' }, verified: { type: 'boolean' }, email: { type: 'string' } },
        required: ['jobID', 'verified'],
      },
    },
    201: { description: 'file added (first file: job created, code e-mailed)', body: upload },
    202: {
      description: 'job submitted: one analysis message per file (a repeated uploadDone answers the current state)',
      body: {
        type: 'object',
        properties: { jobID: { type: 'string' }, status: { enum: ['submitted', 'running', 'done', 'failed'] }, files: { type: 'integer' } },
        required: ['jobID', 'status', 'files'],
      },
    },
    413: { description: '`fileSize` is over the limit of its kind (images 50 MB, videos 200 MB), or at uploadDone an uploaded file is' },
  },
} as const satisfies RouteContract;
