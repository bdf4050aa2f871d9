import { presignedUrlProperties, type RouteContract, type RouteSchema } from '@darkroom/runtime';
import { UUID_V4 } from '../lib/model';

/** GET /visual/job/{jobID}. */
export const schema = {
  path: { type: 'object', properties: { jobID: { type: 'string', pattern: UUID_V4 } }, required: ['jobID'], additionalProperties: false },
} as const satisfies RouteSchema;

const region = {
  type: 'object',
  properties: { x: { type: 'integer' }, y: { type: 'integer' }, width: { type: 'integer' }, height: { type: 'integer' } },
  required: ['x', 'y', 'width', 'height'],
} as const;

export const contract = {
  summary: 'A visual job\'s status and results',
  description: 'Findings per file (category, score 0..1, region in pixels, frame_time in seconds for videos) and presigned GET URLs (15 min) of annotated images. A job created with a token is visible to its owner only (404 otherwise).',
  responses: {
    200: {
      description: 'the job',
      body: {
        type: 'object',
        properties: {
          jobID: { type: 'string' },
          kind: { enum: ['batch', 'single'] },
          status: { enum: ['created', 'submitted', 'running', 'done', 'failed'] },
          verified: { type: 'boolean' },
          created_at: { type: 'string', format: 'date-time' }, submitted_at: { type: 'string', format: 'date-time' }, finished_at: { type: 'string', format: 'date-time' },
          files: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                fileIdx: { type: 'integer' }, fileName: { type: 'string' }, fileKey: { type: 'string' },
                kind: { enum: ['image', 'video'] },
                status: { enum: ['pending', 'queued', 'running', 'done', 'failed'] },
                findings: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { category: { type: 'string' }, score: { type: 'number' }, region, frame_time: { type: 'number' }, detail: { type: 'string' } },
                    required: ['category', 'score', 'region'],
                  },
                },
                failure_reason: { type: 'string' },
                annotated: {
                  type: 'object', description: 'presigned GET of the annotated image',
                  properties: presignedUrlProperties, required: ['url', 'expires_in', 'expires_at'], additionalProperties: false,
                },
              },
              required: ['fileIdx', 'fileName', 'kind', 'status', 'findings'],
            },
          },
        },
        required: ['jobID', 'kind', 'status', 'verified', 'created_at', 'files'],
      },
    },
  },
} as const satisfies RouteContract;
