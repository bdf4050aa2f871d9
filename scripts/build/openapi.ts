/**
 * The OpenAPI 3.1 document of the HTTP API, generated from functions/manifest.json (routes, auth) and
 * each route's schema.ts (request body, query and path parameters), so it cannot drift from the code.
 * `npm run build` writes it to dist/openapi.json; `npm run openapi` prints it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RouteSchema } from '@darkroom/runtime';
import { loadManifest, ROOT, serviceOf, type FunctionSpec, type HttpTrigger } from '../manifest';

/** Response envelopes per service (DESIGN.md §2), as JSON Schemas of an error body. */
const ERROR_BODIES: Record<string, unknown> = {
  auth: { type: 'object', properties: { message: { type: 'string' }, data: { type: 'object' }, error: { const: true } }, required: ['message', 'error'] },
  datasets: { type: 'object', properties: { data: { type: 'null' }, error: { const: true }, success: { const: false }, message: { type: 'string' } } },
  social: { type: 'object', properties: { response: { type: 'null' }, message: { type: 'string' } } },
  plain: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
};
const ENVELOPE_OF: Record<string, string> = { auth: 'auth', datasets: 'datasets', social: 'social' };

function parameters(schema: Record<string, any> | undefined, where: 'query' | 'path') {
  if (!schema?.properties) return [];
  const required = new Set<string>(schema.required ?? []);
  return Object.entries(schema.properties as Record<string, unknown>).map(([name, property]) => ({
    name, in: where, required: where === 'path' || required.has(name), schema: property,
  }));
}

/** Builds the document. @throws Error when a route's schema module cannot be loaded */
export async function openApiDocument(functions: FunctionSpec[] = loadManifest().functions): Promise<Record<string, any>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const fn of functions) {
    if (fn.trigger.type !== 'http') continue;
    const trigger = fn.trigger as HttpTrigger;
    const schemaFile = join(ROOT, dirname(fn.entry), 'schema.ts');
    const load = async (file: string): Promise<RouteSchema> => existsSync(file) ? ((await import(file)) as { schema: RouteSchema }).schema : {};
    const schema = await load(schemaFile);
    // Routes that take a file in their body (trigger.binary) keep their JSON variant's schema in json/schema.ts.
    const jsonVariant = trigger.binary ? await load(join(ROOT, dirname(fn.entry), 'json', 'schema.ts')) : {};
    const content: Record<string, unknown> = {};
    if (schema.body ?? jsonVariant.body) content['application/json'] = { schema: schema.body ?? jsonVariant.body };
    if (trigger.binary) {
      content['application/octet-stream'] = { schema: { type: 'string', contentMediaType: 'application/octet-stream' } };
      content['multipart/form-data'] = { schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } }, required: ['file'] } };
    }
    const envelope = ENVELOPE_OF[serviceOf(fn)] ?? 'plain';
    const error = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${envelope}Error` } } } };
    paths[trigger.path] ??= {};
    paths[trigger.path]![trigger.method.toLowerCase()] = {
      operationId: fn.name,
      tags: [serviceOf(fn)],
      ...(trigger.auth === 'required' ? { security: [{ cognito: [] }] } : { security: [] }),
      parameters: [...parameters(schema.query as never, 'query'), ...parameters(schema.path as never, 'path')],
      ...(Object.keys(content).length ? { requestBody: { required: true, content } } : {}),
      responses: {
        '200': { description: 'Success, in the service envelope' },
        '400': { description: 'Invalid input: the message names each field and problem', ...error },
        ...(trigger.auth === 'required' ? { '401': { description: 'Missing, invalid, expired or revoked token', ...error } } : {}),
        '4XX': { description: 'Refused: the message says why', ...error },
        '500': { description: 'Internal Server Error (details are logged, never returned)', ...error },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Darkroom', version: '0.1.0', description: 'Generated from functions/manifest.json and the routes\' schema.ts files.' },
    components: {
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID or access token' } },
      schemas: Object.fromEntries(Object.entries(ERROR_BODIES).map(([name, body]) => [`${name}Error`, body])),
    },
    paths,
  };
}

if (require.main === module) {
  openApiDocument().then((doc) => console.log(JSON.stringify(doc, null, 2))).catch((error) => { console.error(error); process.exit(1); });
}
