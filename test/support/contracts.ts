/**
 * Response validation against the OpenAPI document (scripts/build/openapi.ts), in one place: the
 * integration tests' HTTP helper (`api()` in stack.ts) and the Postman run hand every response they
 * receive to {@link checkResponse}, which finds the operation (method + route template), the documented
 * response (exact status, else `4XX`/`5XX`) and validates the body with ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1) and the presence of the headers documented as required. A route whose code answers something its
 * `contract` does not say fails the test that received it, so the document cannot drift from the code.
 *
 * New services get this for free: declare `contract` in each route's schema.ts and call the API through
 * `api()`; nothing else to register.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../scripts/build/openapi';
import { loadManifest, type HttpTrigger } from '../../scripts/manifest';

interface Operation { route: string; pattern: RegExp; method: string; responses: Record<string, any> }

interface Checker {
  operations: Operation[];
  validator(pointer: string): ValidateFunction;
}

let checker: Promise<Checker> | undefined;

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

async function build(): Promise<Checker> {
  const doc = await openApiDocument();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi');
  const operations = loadManifest().functions.flatMap((fn) => {
    if (fn.trigger.type !== 'http') return [];
    const trigger = fn.trigger as HttpTrigger;
    const source = trigger.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return [{ route: trigger.path, pattern: new RegExp(`^${source}$`), method: trigger.method, responses: doc.paths[trigger.path][trigger.method.toLowerCase()].responses }];
  });
  const compiled = new Map<string, ValidateFunction>();
  return {
    operations,
    validator(pointer) {
      let validate = compiled.get(pointer);
      if (!validate) {
        validate = ajv.getSchema(`openapi#${pointer}`);
        if (!validate) throw new Error(`no schema at ${pointer} in the OpenAPI document`);
        compiled.set(pointer, validate);
      }
      return validate;
    },
  };
}

/** A response as the tests received it. */
export interface ReceivedResponse {
  method: string;
  /** The path as requested, with or without its query string. */
  path: string;
  status: number;
  headers: Headers | Record<string, string | undefined>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

const header = (headers: ReceivedResponse['headers'], name: string) =>
  headers instanceof Headers ? headers.get(name) ?? undefined : Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/**
 * Checks one response against the document. Paths that are no manifest route (e.g. `/_local/outbox`)
 * and a method the route does not have (405) are not the API's documented surface and pass unchecked.
 * @throws Error naming the route, the status and each difference when the response is not documented
 */
export async function checkResponse(response: ReceivedResponse): Promise<void> {
  const { operations, validator } = await (checker ??= build());
  const pathname = response.path.split('?')[0]!;
  const method = response.method.toUpperCase();
  const operation = operations.find((op) => op.method === method && op.pattern.test(pathname));
  if (!operation) return;
  const where = `${method} ${operation.route} -> ${response.status}`;
  const status = [String(response.status), `${String(response.status)[0]}XX`].find((key) => operation.responses[key]);
  if (!status) throw new Error(`${where}: status not documented (add it to the route's contract in schema.ts)`);
  const documented = operation.responses[status];
  for (const [name, spec] of Object.entries((documented.headers ?? {}) as Record<string, { required?: boolean }>)) {
    if (spec.required && header(response.headers, name) === undefined) throw new Error(`${where}: required header ${name} is missing`);
  }
  if (!documented.content?.['application/json']) return;
  const contentType = header(response.headers, 'content-type') ?? '';
  if (!/json/.test(contentType)) throw new Error(`${where}: documented as application/json, answered ${contentType || 'no content type'}`);
  const pointer = `/paths/${escapePointer(operation.route)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
  const validate = validator(pointer);
  if (!validate(response.body)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new Error(`${where}: the body does not match the OpenAPI document: ${[...new Set(problems)].join('; ')}\nbody: ${JSON.stringify(response.body).slice(0, 2000)}`);
  }
}
