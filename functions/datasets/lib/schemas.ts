/**
 * JSON Schema pieces the datasets routes share (each route's schema.ts composes them), and the shapes
 * of what they answer (for the routes' `contract`).
 */
import { FILENAME_PATTERN, MAX_DESCRIPTION_LENGTH, MAX_FILENAME_LENGTH, MAX_PROJECT_NAME_LENGTH, PROJECT_ID_PATTERN, PROJECT_NAME_PATTERN } from './limits';
import { CLASS_TYPES, TYPE_METHODS } from './model';

const jwt = { type: 'string', minLength: 1, maxLength: 8192 } as const;

/** seed 003's token fields, accepted in every body (the token may also come as `Authorization: Bearer`). */
export const tokenFields = {
  id_token: { ...jwt, description: 'Cognito ID token (instead of Authorization: Bearer)' },
  access_token: { ...jwt, description: 'Cognito access token; when sent it must belong to the same user' },
} as const;

export const projectName = {
  type: 'string', minLength: 1, maxLength: MAX_PROJECT_NAME_LENGTH, pattern: PROJECT_NAME_PATTERN,
  description: 'Unique per user, case-sensitive: 1-75 letters, digits, `_`, `-`, `.` or spaces',
} as const;
export const projectId = { type: 'string', minLength: 34, maxLength: 108, pattern: PROJECT_ID_PATTERN, description: '`<project_name>_<32 hex>`' } as const;
export const description = { type: 'string', maxLength: MAX_DESCRIPTION_LENGTH } as const;
export const filename = {
  type: 'string', minLength: 1, maxLength: MAX_FILENAME_LENGTH, pattern: FILENAME_PATTERN,
  description: 'File name in the project: no `/`, `\\` or control characters',
} as const;
export const typeMethod = { type: 'string', enum: TYPE_METHODS } as const;
export const taskId = { type: 'string', pattern: '^[0-9a-f]{32}$' } as const;
export const bytes = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/**
 * The body of a route that acts on one project: seed 003's token fields, `project_id`, then the
 * route's own `properties`; `project_id` is required, then `required`; no other field is accepted.
 */
export const projectBody = <const P extends Record<string, unknown>, const R extends readonly string[]>(properties: P, required: R) => ({
  type: 'object',
  properties: { ...tokenFields, project_id: projectId, ...properties },
  required: ['project_id', ...required],
  additionalProperties: false,
}) as const;

/** `ls_object_info`: 1 to `max` objects with exactly `properties` (of which `required` must be present). */
export const objectList = <const P extends Record<string, unknown>, const R extends readonly string[]>(max: number, properties: P, required: R) => ({
  type: 'array', minItems: 1, maxItems: max,
  items: { type: 'object', properties, required, additionalProperties: false },
}) as const;


// ----- response shapes (contracts) -----
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
export const groupSummary = {
  type: 'object',
  properties: { count: { type: 'integer' }, size: { type: 'integer', description: 'bytes' } },
  required: ['count', 'size'],
} as const;
export const groupDetail = {
  type: 'object',
  properties: { ...groupSummary.properties, data_number: nullable({ type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 }) },
  required: ['count', 'size', 'data_number'],
} as const;
export const groupsMap = <G extends object>(group: G) => ({
  type: 'object', properties: { ORIGINAL: group, PREPROCESS: group, AUGMENT: group }, additionalProperties: false,
}) as const;
export const runningTask = {
  type: 'object', properties: { task_id: { type: 'string' }, project_id: { type: 'string' } }, required: ['task_id', 'project_id'],
} as const;
export const projectRef = {
  type: 'object',
  properties: { project_id: { type: 'string' }, s3_prefix: { type: 'string', description: '`<bucket>/<identity_id>/<project_id>`' } },
  required: ['project_id', 's3_prefix'],
} as const;
/** An array of objects with `properties`, of which `required` are always present (a response's `items`). */
export const objectArray = <const P extends Record<string, unknown>, const R extends readonly string[]>(properties: P, required: R) => ({
  type: 'array', items: { type: 'object', properties, required },
}) as const;
export const classType = nullable({ type: 'string', enum: CLASS_TYPES });
export const typedString = { type: 'object', properties: { S: { type: 'string' } }, required: ['S'] } as const;
export const typedNumber = { type: 'object', properties: { N: { type: 'string' } }, required: ['N'] } as const;
export const downloadTask = {
  type: 'object',
  properties: {
    task_id: { type: 'string' },
    status: { type: 'string', enum: ['RUNNING', 'FINISH', 'ERROR'] },
    progress: { type: 'object', properties: { done: { type: 'integer' }, total: { type: 'integer' } }, required: ['done', 'total'] },
    s3_key: nullable({ type: 'string' }),
    presign_url: nullable({ type: 'string', description: 'presigned GET of the zip, valid 1 hour (seed 003\'s name of `url`)' }),
    url: nullable({ type: 'string', format: 'uri', description: 'presigned GET of the zip' }),
    expires_in: nullable({ type: 'integer', minimum: 1, description: 'seconds `url` is valid from when it was issued' }),
    expires_at: nullable({ type: 'string', format: 'date-time', description: 'when `url` stops working (ISO 8601, UTC)' }),
    size: nullable({ type: 'integer', description: 'bytes of the zip' }),
    down_type: { type: 'string' },
    process_type: { type: 'string' },
    project_id: { type: 'string' },
    project_name: { type: 'string' },
    created_time: { type: 'string' },
    updated_at: { type: 'string', format: 'date-time' },
    error: nullable({ type: 'string' }),
  },
  required: ['task_id', 'status', 'progress', 's3_key', 'presign_url', 'url', 'expires_in', 'expires_at', 'down_type', 'project_id', 'project_name', 'created_time', 'updated_at'],
} as const;
