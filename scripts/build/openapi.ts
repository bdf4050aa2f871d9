/**
 * The OpenAPI 3.1 document of the HTTP API, generated from functions/manifest.json (routes, auth) and
 * each route's schema.ts: `schema` (request body, query and path parameters) and `contract` (summary,
 * description, every success status with its body and headers), so it cannot drift from the code.
 * Success bodies are wrapped in the service's envelope (DESIGN.md §2); every error status gets the
 * envelope's error body. The integration tests validate every response they receive against this
 * document (test/support/contracts.ts), and `redocly lint` checks it (test/unit/openapi.test.ts).
 * `npm run build` writes it to dist/openapi.json; `npm run openapi` prints it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RouteContract, RouteResponse, RouteSchema } from '@darkroom/runtime';
import { loadManifest, ROOT, serviceOf, type FunctionSpec, type HttpTrigger } from '../manifest';

type Schema = Record<string, unknown>;

/** The envelope each service answers in (DESIGN.md §2); services not listed are plain. */
export const ENVELOPE_OF: Record<string, 'auth' | 'datasets' | 'social'> = { auth: 'auth', datasets: 'datasets', social: 'social' };
/** The envelope of a function's service. */
export const envelopeOf = (fn: FunctionSpec): string => ENVELOPE_OF[serviceOf(fn)] ?? 'plain';

/** Error bodies per envelope (layers/runtime/src/envelopes.ts `failure`), and API Gateway's own. */
const ERROR_BODIES: Record<string, Schema> = {
  auth: {
    type: 'object', description: 'Error in the auth envelope (seed 003)',
    properties: { message: { type: 'string' }, data: { type: 'object', maxProperties: 0 }, error: { const: true } },
    required: ['message', 'data', 'error'], additionalProperties: false,
  },
  datasets: {
    type: 'object', description: 'Error in the datasets envelope (seed 003)',
    properties: { data: { type: 'null' }, error: { const: true }, success: { const: false }, message: { type: 'string' } },
    required: ['data', 'error', 'success', 'message'], additionalProperties: false,
  },
  social: {
    type: 'object', description: 'Error in the social envelope (seed 004)',
    properties: { response: { type: 'null' }, message: { type: 'string' } }, required: ['response', 'message'], additionalProperties: false,
  },
  plain: {
    type: 'object', description: 'Error of the plain services', properties: { message: { type: 'string' } }, required: ['message'], additionalProperties: false,
  },
  gateway: {
    type: 'object', description: "API Gateway's own error (payload too large, integration timeout), whatever the service",
    properties: { message: { type: 'string' } }, required: ['message'], additionalProperties: false,
  },
};

/** The success body of `data` in each envelope (envelopes.ts `success`). */
function wrap(envelope: string, data: Schema | undefined, paged = false): Schema {
  const body = data ?? {};
  switch (envelope) {
    case 'auth': return {
      type: 'object', properties: { message: { type: 'string' }, data: body, error: { const: false } },
      required: ['message', 'data', 'error'], additionalProperties: false,
    };
    case 'datasets': return {
      type: 'object', properties: { data: body, error: { const: false }, success: { const: true }, message: { type: ['string', 'null'] } },
      required: ['data', 'error', 'success', 'message'], additionalProperties: false,
    };
    case 'social': return paged
      ? {
        type: 'object', properties: { response: body, next_cursor: { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null on the last page' } },
        required: ['response', 'next_cursor'], additionalProperties: false,
      }
      : { type: 'object', properties: { response: body }, required: ['response'], additionalProperties: false };
    default: return body;
  }
}

const SERVICE_TAGS: Record<string, string> = {
  auth: 'Cognito accounts: sign-up, confirmation, login, refresh, password reset, logout, Google, invitations',
  images: 'Image uploads with thumbnails made by the S3 -> SQS -> Lambda pipeline, and their downloads',
  photos: 'Photo storage: login, single uploads, ZIP archives unpacked into S3, download, list, delete',
  datasets: 'Image datasets',
  visual: 'Visual analysis of images and videos',
  social: 'Social features',
};

function parameters(schema: Schema | undefined, where: 'query' | 'path') {
  if (!schema?.properties) return [];
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  return Object.entries(schema.properties as Record<string, Schema>).map(([name, property]) => ({
    name, in: where, required: where === 'path' || required.has(name), schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

/** A route's schema.ts exports. */
interface RouteModule { schema?: RouteSchema; contract?: RouteContract }

async function loadRoute(file: string): Promise<RouteModule> {
  return existsSync(file) ? (await import(file)) as RouteModule : {};
}

const errorContent = (name: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Error` } } } });

function headersOf(response: RouteResponse): Record<string, unknown> | undefined {
  if (!response.headers) return undefined;
  return Object.fromEntries(Object.entries(response.headers).map(([name, header]) => [name, { description: header.description, ...(header.required ? { required: true } : {}), schema: header.schema }]));
}

/** The responses object of one operation: the contract's statuses, then the errors every route can answer. */
function responsesOf(fn: FunctionSpec, trigger: HttpTrigger, contract: RouteContract, bodyMode: 'json' | 'binary' | 'none'): Record<string, unknown> {
  const envelope = envelopeOf(fn);
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(contract.responses).sort(([a], [b]) => Number(a) - Number(b))) {
    const headers = headersOf(response);
    responses[status] = Number(status) >= 400
      ? { description: response.description, ...(headers ? { headers } : {}), ...errorContent(envelope) }
      : response.raw
        ? {
          description: response.description, ...(headers ? { headers } : {}),
          ...(response.mediaType ? { content: { [response.mediaType]: { schema: (response.body as Schema | undefined) ?? { type: 'string' } } } } : {}),
        }
        : {
        description: response.description, ...(headers ? { headers } : {}),
        content: { 'application/json': { schema: wrap(envelope, response.body as Schema | undefined, response.paged) } },
      };
  }
  const standard: Record<string, [string, string]> = {
    400: ['Invalid input: the message names each field and problem', envelope],
    ...(trigger.auth === 'required' ? { 401: ['Missing, malformed, expired, wrongly signed or revoked token', envelope] as [string, string] } : {}),
    413: ['Request larger than the 6 MB Lambda payload limit (answered by API Gateway)', 'gateway'],
    ...(bodyMode === 'json' ? { 415: ['Content-Type must be application/json', envelope] as [string, string] } : {}),
    '4XX': ['Refused: the message says why', envelope],
    500: ['Internal Server Error (details are logged, never returned)', envelope],
    504: ['The function ran past its timeout (answered by API Gateway)', 'gateway'],
    '5XX': ['Internal Server Error (details are logged, never returned)', envelope],
  };
  for (const [status, [description, body]] of Object.entries(standard)) responses[status] ??= { description, ...errorContent(body) };
  return responses;
}

/** HTTP routes whose schema.ts exports no `contract` (every HTTP route must export one: the document and the response checks are built from it). */
export async function routesWithoutContract(functions: FunctionSpec[] = loadManifest().functions): Promise<string[]> {
  const missing: string[] = [];
  for (const fn of functions) {
    if (fn.trigger.type !== 'http') continue;
    if (!(await loadRoute(join(ROOT, dirname(fn.entry), 'schema.ts'))).contract) missing.push(fn.name);
  }
  return missing;
}

/** Where the API answers: the local stack and the deployed HTTP API (terraform output `api_endpoint`). */
export const SERVERS = [
  { url: 'http://127.0.0.1:3000', description: 'The local stack (npm start; PORT overrides the port)' },
  {
    url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
    description: 'The deployed HTTP API: terraform output api_endpoint',
    variables: { apiId: { default: 'your-api-id', description: 'the API id in terraform output api_endpoint' }, region: { default: 'eu-west-1', description: 'the region the stack is deployed in (var.region)' } },
  },
];

/**
 * Builds the document.
 * @throws Error when a route's schema module cannot be loaded, or an HTTP route has no `contract`
 */
export async function openApiDocument(functions: FunctionSpec[] = loadManifest().functions): Promise<Record<string, any>> {
  const paths: Record<string, Record<string, unknown>> = {};
  const missing: string[] = [];
  const tags = new Set<string>();
  for (const fn of functions) {
    if (fn.trigger.type !== 'http') continue;
    const trigger = fn.trigger as HttpTrigger;
    const route = await loadRoute(join(ROOT, dirname(fn.entry), 'schema.ts'));
    if (!route.contract) { missing.push(fn.name); continue; }
    const schema = route.schema ?? {};
    // Routes that take a file in their body (trigger.binary) keep their JSON variant's schema in json/schema.ts.
    const jsonVariant = trigger.binary ? (await loadRoute(join(ROOT, dirname(fn.entry), 'json', 'schema.ts'))).schema ?? {} : {};
    const content: Record<string, unknown> = {};
    const requestBody = (schema.body ?? jsonVariant.body) as Schema | undefined;
    if (requestBody) content['application/json'] = { schema: requestBody };
    if (route.contract.requestBody) {
      content[route.contract.requestBody.mediaType] = { schema: { type: 'string', description: route.contract.requestBody.description } };
    }
    if (trigger.binary) {
      content['application/octet-stream'] = { schema: { type: 'string', contentMediaType: 'application/octet-stream' } };
      content['multipart/form-data'] = { schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } }, required: ['file'] } };
    }
    const bodyMode = trigger.binary ? 'binary' : (trigger.method === 'GET' || !requestBody ? 'none' : 'json');
    const service = serviceOf(fn);
    tags.add(service);
    paths[trigger.path] ??= {};
    paths[trigger.path]![trigger.method.toLowerCase()] = {
      operationId: fn.name,
      summary: route.contract.summary,
      ...(route.contract.description ? { description: route.contract.description } : {}),
      tags: [service],
      security: trigger.auth === 'required' ? [{ cognito: [] }] : [],
      parameters: [...parameters(schema.query as Schema | undefined, 'query'), ...parameters(schema.path as Schema | undefined, 'path')],
      ...(Object.keys(content).length ? { requestBody: { required: !requestBody || ((requestBody.required as unknown[] | undefined)?.length ?? 0) > 0 || Boolean(trigger.binary), content } } : {}),
      responses: responsesOf(fn, trigger, route.contract, bodyMode),
    };
  }
  if (missing.length) {
    throw new Error(`HTTP routes without a response contract (export \`contract\` from their schema.ts): ${missing.join(', ')}`);
  }
  const envelopes = new Set(['gateway', ...functions.filter((fn) => fn.trigger.type === 'http').map(envelopeOf)]);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Darkroom',
      version: '0.1.0',
      description: 'Darkroom\'s HTTP API (API Gateway HTTP API, one Lambda per route). Generated from functions/manifest.json and the routes\' schema.ts files (input `schema`, response `contract`).',
      license: { name: 'UNLICENSED', identifier: 'LicenseRef-Proprietary' },
    },
    servers: SERVERS,
    tags: [...tags].sort().map((name) => ({ name, description: SERVICE_TAGS[name] ?? `The ${name} service` })),
    components: {
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID or access token (from /auth/user_login or /photos/login)' } },
      schemas: Object.fromEntries(Object.entries(ERROR_BODIES).filter(([name]) => envelopes.has(name)).map(([name, body]) => [`${name}Error`, body])),
    },
    paths,
  };
}

if (require.main === module) {
  openApiDocument().then((doc) => console.log(JSON.stringify(doc, null, 2))).catch((error) => { console.error(error); process.exit(1); });
}
