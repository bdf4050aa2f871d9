/**
 * The naming rule for the fields Darkroom adds to the seeds' APIs, checked on every route's response
 * contract (the OpenAPI document built from functions/manifest.json and each schema.ts `contract`):
 * snake_case names; a `*_at` field is an ISO 8601 UTC timestamp (`format: date-time`); a `*_in` field is a
 * number of seconds (integer or number). Names a seed gives stay as the seed spells them: they are listed
 * below, each with where its seed names it.
 */
import { openApiDocument } from '../../scripts/build/openapi';

type Schema = Record<string, unknown>;

/** Field names the seeds (../shared/seeds) give, kept as they are. */
const SEED_NAMES: Record<string, string> = {
  jobID: 'seed 000 (000_bdc870ec9f931d4c.txt) step 1 return body and every later request',
  uploadUrl: 'seed 000 step 1 return body',
  fileName: 'seed 000 step 1 request body',
  fileIdx: 'seed 000 "Manual trigger owlEye and seenomaly" message body',
  fileKey: 'seed 000 "Manual trigger owlEye and seenomaly" message body',
  S: 'seed 003 (003_978ef778295c69af.txt) project listing: DynamoDB-typed values ({"S": "a.png"}, line 741)',
  N: 'seed 003 project listing: DynamoDB-typed values ({"N": "2000"}, line 744)',
  ORIGINAL: 'seed 003 project info: the groups by type_method (lines 265-271)',
  PREPROCESS: 'seed 003 project info: the groups by type_method (lines 265-271)',
  AUGMENT: 'seed 003 project info: the groups by type_method (lines 265-271)',
};

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** A field as a response schema declares it: where, its name and its schema. */
interface Field { at: string; name: string; schema: Schema }

/** Every property of a schema, however deep (objects, arrays, maps, oneOf/anyOf/allOf branches). */
function fieldsOf(schema: unknown, at: string, into: Field[] = []): Field[] {
  if (!schema || typeof schema !== 'object') return into;
  const s = schema as Schema;
  for (const [name, sub] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
    into.push({ at, name, schema: sub });
    fieldsOf(sub, `${at}.${name}`, into);
  }
  if (s.items) fieldsOf(s.items, `${at}[]`, into);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') fieldsOf(s.additionalProperties, `${at}{}`, into);
  for (const key of ['oneOf', 'anyOf', 'allOf']) for (const branch of (s[key] ?? []) as Schema[]) fieldsOf(branch, at, into);
  return into;
}

/** The schema and its non-null branches (a nullable field is `anyOf: [schema, {type: 'null'}]`). */
const alternatives = (schema: Schema): Schema[] => [schema, ...((schema.anyOf ?? schema.oneOf ?? []) as Schema[])];
const types = (schema: Schema): string[] => alternatives(schema).flatMap((s) => [s.type ?? []].flat() as string[]);

/** What is wrong with a field's name or type under the rule, if anything. */
function namingProblem(field: Field): string | undefined {
  if (field.name in SEED_NAMES) return undefined;
  if (!SNAKE_CASE.test(field.name)) return 'is not snake_case';
  if (field.name.endsWith('_at') && !alternatives(field.schema).some((s) => s.type === 'string' && s.format === 'date-time')) {
    return 'ends in _at but is not an ISO 8601 timestamp (type string, format date-time)';
  }
  if (field.name.endsWith('_in') && !types(field.schema).some((t) => t === 'integer' || t === 'number')) {
    return 'ends in _in but is not a number of seconds (integer or number)';
  }
  return undefined;
}

/** Every field of every response body the API documents. */
async function responseFields(): Promise<Field[]> {
  const document = await openApiDocument();
  const fields: Field[] = [];
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, Schema>)) {
        const content = response.content as Record<string, { schema?: Schema }> | undefined;
        fieldsOf(content?.['application/json']?.schema, `${method.toUpperCase()} ${path} ${status}`, fields);
      }
    }
  }
  return fields;
}

describe('the naming rule for the fields Darkroom adds', () => {
  let fields: Field[];
  beforeAll(async () => { fields = await responseFields(); }, 60_000);

  it('holds on every route\'s response contract', () => {
    const problems = fields.flatMap((field) => {
      const problem = namingProblem(field);
      return problem ? [`${field.at}: ${field.name} ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('walks every service\'s routes, social\'s included', () => {
    const services = new Set(fields.map((field) => field.at.split(' ')[1]!.split('/')[1]));
    for (const prefix of ['auth', 'images', 'photos', 'projects', 'generate', 'visual', 'user', 'event', 'chat']) expect(services).toContain(prefix);
  });

  it('lists only seed names that a contract still uses', () => {
    const used = new Set(fields.map((field) => field.name));
    expect(Object.keys(SEED_NAMES).filter((name) => !used.has(name))).toEqual([]);
  });

  it('would refuse what it is meant to refuse', () => {
    const field = (name: string, schema: Schema = { type: 'string' }) => ({ at: 'x', name, schema });
    expect(namingProblem(field('createdAt'))).toMatch(/snake_case/);
    expect(namingProblem(field('expiresIn', { type: 'integer' }))).toMatch(/snake_case/);
    expect(namingProblem(field('code_expires_at', { type: 'integer' }))).toMatch(/ISO 8601/);
    expect(namingProblem(field('expires_in', { type: 'string' }))).toMatch(/seconds/);
    expect(namingProblem(field('expires_in', { anyOf: [{ type: 'integer' }, { type: 'null' }] }))).toBeUndefined();
    expect(namingProblem(field('created_at', { type: 'string', format: 'date-time' }))).toBeUndefined();
    expect(namingProblem(field('jobID'))).toBeUndefined();
  });
});
