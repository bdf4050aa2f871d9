/**
 * Negative tests of the static checker: each check is fed a small broken configuration and must
 * report it, so that a clean run over terraform/ means something.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkBackend,
  checkFileSet,
  checkLocalReferences,
  checkManifestCoverage,
  checkMonitoring,
  checkModuleCalls,
  checkModuleOutputs,
  checkResourceReferences,
  checkSchema,
  checkVariableDocs,
  checkVariableReferences,
  checkVersions,
  loadSchema,
  loadTree,
  parseModule,
  type Finding,
  type Manifest,
  type ProviderSchema,
} from '../../scripts/terraform/check';
import { MANIFEST_PATH, SCHEMA_PATH, TERRAFORM_DIR, memoryResolver, terraformOnPath } from './helpers';

let schema: ProviderSchema;
beforeAll(() => {
  schema = loadSchema(SCHEMA_PATH);
});

const messages = (findings: Finding[]): string[] => findings.map((f) => f.message);
/** Messages in a stable order (hcl2json sorts a body's keys, so report order follows key names). */
const sortedMessages = (findings: Finding[]): string[] => messages(findings).sort();

const VERSIONS = `
terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
`;

describe('parse', () => {
  test('a syntax error is reported, not thrown', async () => {
    const m = await parseModule('bad', { 'main.tf': 'resource "aws_s3_bucket" "this" {\n  bucket = \n}\n' });
    expect(m.parseErrors).toHaveLength(1);
    expect(m.parseErrors[0]!.check).toBe('parse');
  });
});

describe('checkSchema', () => {
  test('accepts a valid resource with nested and dynamic blocks', async () => {
    const m = await parseModule('ok', {
      'main.tf': `
resource "aws_sqs_queue" "this" {
  name = "q"
}
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = "b"
  rule {
    id     = "a"
    status = "Enabled"
    filter {}
  }
  dynamic "rule" {
    for_each = [1]
    content {
      id     = "b"
      status = "Enabled"
      expiration {
        days = rule.value
      }
    }
  }
}
data "aws_region" "current" {}
`,
    });
    expect(checkSchema(m, schema)).toEqual([]);
  });

  test('reports an unknown resource type and an unknown data source type', async () => {
    const m = await parseModule('bad', {
      'main.tf': 'resource "aws_lambda_fonction" "this" {}\ndata "aws_regions_typo" "x" {}\n',
    });
    expect(messages(checkSchema(m, schema))).toEqual([
      'aws_lambda_fonction.this: unknown resource type aws_lambda_fonction',
      'data.aws_regions_typo.x: unknown data type aws_regions_typo',
    ]);
  });

  test('reports an unknown argument and an unknown nested block', async () => {
    const m = await parseModule('bad', {
      'main.tf': `
resource "aws_sqs_queue" "this" {
  name             = "q"
  visibility_timout = 30
  tracing {
    mode = "Active"
  }
}
`,
    });
    expect(sortedMessages(checkSchema(m, schema))).toEqual([
      'aws_sqs_queue.this: unknown argument "tracing"',
      'aws_sqs_queue.this: unknown argument "visibility_timout"',
    ]);
  });

  test('reports an unknown argument inside a nested block and inside a dynamic block', async () => {
    const m = await parseModule('bad', {
      'main.tf': `
resource "aws_dynamodb_table" "this" {
  name = "t"
  point_in_time_recovery {
    enable = true
  }
  dynamic "attribute" {
    for_each = ["pk"]
    content {
      name  = attribute.value
      type  = "S"
      style = "x"
    }
  }
}
`,
    });
    expect(sortedMessages(checkSchema(m, schema))).toEqual([
      'aws_dynamodb_table.this.attribute: unknown argument "style"',
      'aws_dynamodb_table.this.point_in_time_recovery: missing required argument "enabled"',
      'aws_dynamodb_table.this.point_in_time_recovery: unknown argument "enable"',
    ]);
  });

  test('reports missing required arguments and blocks', async () => {
    const m = await parseModule('bad', {
      'main.tf': `
resource "aws_lambda_function" "this" {
  function_name = "f"
}
resource "aws_s3_bucket_versioning" "this" {
  bucket = "b"
}
`,
    });
    expect(messages(checkSchema(m, schema))).toEqual([
      'aws_lambda_function.this: missing required argument "role"',
      'aws_s3_bucket_versioning.this: missing required block "versioning_configuration"',
    ]);
  });

  test('reports a single block repeated and a dynamic block of an unknown name', async () => {
    const m = await parseModule('bad', {
      'main.tf': `
resource "aws_lambda_function" "this" {
  function_name = "f"
  role          = "r"
  tracing_config {
    mode = "Active"
  }
  tracing_config {
    mode = "PassThrough"
  }
  dynamic "layer" {
    for_each = []
    content {}
  }
}
`,
    });
    expect(sortedMessages(checkSchema(m, schema))).toEqual([
      'aws_lambda_function.this: block "tracing_config" may appear only once',
      'aws_lambda_function.this: unknown block "layer" (dynamic)',
    ]);
  });
});

describe('checkVariableReferences', () => {
  test('reports var.x that no variable block declares', async () => {
    const m = await parseModule('bad', {
      'variables.tf': 'variable "name" {\n  type        = string\n  description = "n"\n}\n',
      'main.tf': 'resource "aws_sqs_queue" "this" {\n  name = "${var.name}-${var.nmae}"\n}\n',
    });
    expect(messages(checkVariableReferences(m))).toEqual(['resource.aws_sqs_queue.this: var.nmae is not declared']);
  });
});

describe('checkLocalReferences', () => {
  test('reports local.x that no locals block defines', async () => {
    const m = await parseModule('bad', {
      'main.tf': 'locals {\n  a = 1\n}\noutput "o" {\n  description = "d"\n  value       = local.a + local.b\n}\n',
    });
    expect(messages(checkLocalReferences(m))).toEqual(['output.o: local.b is not defined']);
  });
});

describe('checkResourceReferences', () => {
  test('reports references to undeclared resources and data sources, and duplicate addresses', async () => {
    const m = await parseModule('bad', {
      'main.tf': `
resource "aws_iam_role" "this" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
resource "aws_iam_role_policy" "this" {
  role   = aws_iam_role.that.id
  policy = "{}"
}
`,
      'more.tf': 'resource "aws_iam_role" "this" {\n  name               = "r2"\n  assume_role_policy = "{}"\n}\n',
    });
    expect(messages(checkResourceReferences(m)).sort()).toEqual([
      'aws_iam_role.this is declared twice',
      'resource.aws_iam_role.this: data.aws_iam_policy_document.assume is not declared',
      'resource.aws_iam_role_policy.this: aws_iam_role.that is not declared',
    ]);
  });
});

describe('checkModuleCalls and checkModuleOutputs', () => {
  const child = (): Promise<ReturnType<typeof parseModule> extends Promise<infer T> ? T : never> =>
    parseModule('child', {
      'variables.tf': `
variable "required" {
  type        = string
  description = "r"
}
variable "optional" {
  type        = string
  description = "o"
  default     = null
}
`,
      'outputs.tf': 'output "arn" {\n  description = "a"\n  value       = "x"\n}\n',
    });

  test('reports a missing required variable and an unknown argument', async () => {
    const parent = await parseModule('parent', {
      'main.tf': 'module "c" {\n  source   = "./modules/c"\n  optional = "x"\n  unknown  = "y"\n}\n',
    });
    const resolve = memoryResolver({ './modules/c': await child() });
    expect(messages(checkModuleCalls(parent, resolve))).toEqual([
      'module.c: passes "unknown", which ./modules/c does not declare',
      'module.c: does not pass required variable "required"',
    ]);
  });

  test('reports a call whose source does not exist', async () => {
    const parent = await parseModule('parent', { 'main.tf': 'module "c" {\n  source = "./modules/nope"\n}\n' });
    expect(messages(checkModuleCalls(parent, memoryResolver({})))).toEqual(['module.c: source ./modules/nope not found']);
  });

  test('reports an output the module does not declare and an undeclared module', async () => {
    const parent = await parseModule('parent', {
      'main.tf': `
module "c" {
  source   = "./modules/c"
  required = "x"
}
output "a" {
  description = "a"
  value       = module.c.arn
}
output "b" {
  description = "b"
  value       = module.c.name
}
output "d" {
  description = "d"
  value       = module.d.arn
}
`,
    });
    const resolve = memoryResolver({ './modules/c': await child() });
    expect(checkModuleCalls(parent, resolve)).toEqual([]);
    expect(messages(checkModuleOutputs(parent, resolve))).toEqual([
      'output.b: module.c has no output "name"',
      'output.d: module.d is not declared',
    ]);
  });
});

describe('checkBackend', () => {
  test('accepts s3 with use_lockfile and encrypt', async () => {
    const m = await parseModule('ok', {
      'backend.tf': 'terraform {\n  backend "s3" {\n    use_lockfile = true\n    encrypt      = true\n  }\n}\n',
    });
    expect(checkBackend(m)).toEqual([]);
  });

  test('reports a missing backend, a non-s3 backend, and missing locking or encryption', async () => {
    const none = await parseModule('none', { 'main.tf': VERSIONS });
    expect(messages(checkBackend(none))).toEqual(['expected exactly one backend block, found 0']);
    const local = await parseModule('local', { 'backend.tf': 'terraform {\n  backend "local" {}\n}\n' });
    expect(messages(checkBackend(local))).toContain('backend is "local", expected "s3"');
    const weak = await parseModule('weak', {
      'backend.tf': 'terraform {\n  backend "s3" {\n    dynamodb_table = "locks"\n  }\n}\n',
    });
    expect(messages(checkBackend(weak))).toEqual([
      'backend s3 must set use_lockfile = true',
      'backend s3 must set encrypt = true',
      'backend s3 must not use a DynamoDB lock table (use_lockfile replaces it)',
    ]);
  });
});

describe('checkVersions', () => {
  test('accepts the pinned versions.tf', async () => {
    expect(checkVersions(await parseModule('ok', { 'versions.tf': VERSIONS }))).toEqual([]);
  });

  test('reports a missing versions.tf, an old Terraform, and an unpinned or wrong provider', async () => {
    expect(messages(checkVersions(await parseModule('none', { 'main.tf': '' })))).toEqual([
      'versions.tf with a terraform block is missing',
    ]);
    const loose = VERSIONS.replace('>= 1.11', '>= 1.5').replace('~> 6.0', '>= 5.0').replace('hashicorp/aws', 'someone/aws');
    expect(messages(checkVersions(await parseModule('loose', { 'versions.tf': loose })))).toEqual([
      'required_version must be ">= 1.11" (is ">= 1.5")',
      'aws source must be hashicorp/aws (is "someone/aws")',
      'aws version must be pinned "~> 6.x" (is ">= 5.0")',
    ]);
  });
});

describe('checkVariableDocs', () => {
  test('reports a variable without type or description and an output without description', async () => {
    const m = await parseModule('bad', {
      'variables.tf': 'variable "a" {\n  description = "a"\n}\nvariable "b" {\n  type = string\n}\n',
      'outputs.tf': 'output "o" {\n  value = 1\n}\n',
    });
    expect(messages(checkVariableDocs(m))).toEqual([
      'variable "a" has no type',
      'variable "b" has no description',
      'output "o" has no description',
    ]);
  });
});

describe('checkManifestCoverage', () => {
  const manifest = (): Manifest => JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Manifest;

  test('reports manifest references, layers, queues and pools that Terraform does not create', async () => {
    const tree = await loadTree(TERRAFORM_DIR);
    const bad = manifest();
    const f = bad.functions[0]!;
    f.env = { ...f.env, GHOST_TABLE: 'table:ghosts', SENDER: 'var:no_such_variable' };
    f.permissions = [...f.permissions, { resource: 'bucket:nowhere', actions: ['s3:GetObject'] }];
    f.layers = ['no-such-layer'];
    bad.resources.queues['extra'] = { source: { bucket: 'missing' } };
    bad.functions.push({
      name: 'x-worker',
      trigger: { type: 'sqs', queue: 'nope' },
      env: {},
      permissions: [],
    });
    expect(messages(checkManifestCoverage(tree.root, bad, tree.resolve))).toEqual([
      `function ${f.name}: env GHOST_TABLE = "table:ghosts" names nothing Terraform creates`,
      `function ${f.name}: env SENDER = "var:no_such_variable" names nothing Terraform creates`,
      `function ${f.name}: permission on "bucket:nowhere" names nothing Terraform creates`,
      `function ${f.name}: layer "no-such-layer" is not in manifest.layers`,
      'function x-worker: trigger queue "nope" is not in manifest.resources.queues',
      'queue extra: source bucket "missing" is not in manifest.resources.buckets',
    ]);
  });

  /** The manifest with one scheduled function added. */
  const withSchedule = (rate = 'rate(5 minutes)'): Manifest => {
    const m = manifest();
    m.functions = m.functions.filter((f) => f.trigger.type !== 'schedule');
    m.functions.push({ name: 'x-sweep', trigger: { type: 'schedule', rate }, env: {}, permissions: [] });
    return m;
  };
  const scheduleWiring = `
locals {
  scheduled = { for key, f in var.functions : key => f if f.schedule != null }
}
resource "aws_cloudwatch_event_rule" "schedule" {
  for_each            = local.scheduled
  schedule_expression = each.value.schedule.expression
}
resource "aws_cloudwatch_event_target" "schedule" {
  for_each = local.scheduled
  rule     = aws_cloudwatch_event_rule.schedule[each.key].name
  arn      = aws_lambda_function.this[each.key].arn
}
resource "aws_lambda_permission" "schedule" {
  for_each      = local.scheduled
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.key].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule[each.key].arn
}
`;
  const passingSchedule = 'merge(f, { schedule = f.type == "schedule" ? { expression = f.rate } : null })';

  /** A root that wires the manifest the way terraform/main.tf does, with pieces swappable. */
  const root = (o: { noDefaultRoute?: boolean; functionsOf?: string; routesOf?: string; tables?: string; layerForEach?: string; functionsValue?: string; websocketRoutesOf?: string } = {}) => `
locals {
  manifest          = jsondecode(file("\${path.root}/../functions/manifest.json"))
  functions         = { for f in local.manifest.functions : f.name => { type = f.trigger.type } }
  http_functions    = { for name, f in local.functions : name => f if f.type == "http" }
  default_route_functions = { for name, f in local.functions : name => f if f.type == "http-default" }
  cognito_functions = { for name, f in local.functions : name => f if f.type == "cognito" }
  service_functions = { for name, f in local.functions : name => f if f.type != "cognito" }
  websocket_functions = { for name, f in local.functions : name => f if f.type == "websocket" }
  websockets        = { for name, w in try(local.manifest.resources.websockets, {}) : name => w }
  tables            = ${o.tables ?? '{ for name, t in local.manifest.resources.tables : name => { hash_key = t.hashKey, indexes = try(t.indexes, {}) } }'}
  buckets           = { for name, b in local.manifest.resources.buckets : name => b }
  queues            = { for name, q in local.manifest.resources.queues : name => q }
}
resource "aws_lambda_layer_version" "this" {
  for_each   = ${o.layerForEach ?? 'local.manifest.layers'}
  layer_name = each.key
}
module "triggers" {
  source    = "./modules/function"
  functions = { for name, f in local.cognito_functions : name => f }
}
module "functions" {
  source    = "./modules/function"
  functions = { for name, f in local.${o.functionsOf ?? 'service_functions'} : name => ${o.functionsValue ?? passingSchedule} }
}
module "api" {
  source = "./modules/api"
  routes = { for name, f in local.${o.routesOf ?? 'http_functions'} : name => { method = f.method, path = f.path } }
  ${o.noDefaultRoute ? '' : 'default_route = one([for name in keys(local.default_route_functions) : { function_name = name }])'}
}
module "storage" {
  source  = "./modules/storage"
  tables  = local.tables
  buckets = local.buckets
}
module "websocket" {
  source = "./modules/websocket"
  apis   = local.websockets
  routes = { for name, f in local.${o.websocketRoutesOf ?? 'websocket_functions'} : name => { api = f.api, route = f.route } }
}
module "queues" {
  source = "./modules/queues"
  queues = local.queues
}
variable "mail_from" {
  type        = string
  description = "m"
}
variable "cursor_secret" {
  type        = string
  description = "c"
}
`;

  const INDEXED_STORAGE = 'resource "aws_dynamodb_table" "this" {\n  for_each = var.tables\n  dynamic "global_secondary_index" {\n    for_each = each.value.indexes\n    content {\n      name = global_secondary_index.key\n    }\n  }\n}\n';
  const WEBSOCKET_MODULE = [
    'resource "aws_apigatewayv2_api" "this" {\n  for_each      = var.apis\n  protocol_type = "WEBSOCKET"\n}\n',
    'resource "aws_apigatewayv2_integration" "this" {\n  for_each = var.routes\n}\n',
    'resource "aws_apigatewayv2_route" "this" {\n  for_each  = var.routes\n  route_key = each.value.route\n}\n',
    'resource "aws_lambda_permission" "this" {\n  for_each = var.routes\n}\n',
  ].join('');
  const children = async (functionModule = scheduleWiring, storage = INDEXED_STORAGE, websocket = WEBSOCKET_MODULE) =>
    memoryResolver({
      './modules/websocket': await parseModule('websocket', { 'main.tf': websocket }),
      './modules/function': await parseModule('function', {
        'main.tf': `resource "aws_lambda_function" "this" {\n  for_each = var.functions\n}\n${functionModule}`,
      }),
      './modules/api': await parseModule('api', {
        'main.tf':
          'resource "aws_apigatewayv2_route" "this" {\n  for_each  = var.routes\n  route_key = "${each.value.method} ${each.value.path}"\n}\n'
          + 'resource "aws_apigatewayv2_route" "default" {\n  count     = var.default_route == null ? 0 : 1\n  route_key = "$default"\n}\n',
      }),
      './modules/storage': await parseModule('storage', {
        'main.tf': `${storage}resource "aws_s3_bucket" "this" {\n  for_each = var.buckets\n}\n`,
      }),
      './modules/queues': await parseModule('queues', {
        'main.tf': 'resource "aws_sqs_queue" "this" {\n  for_each = var.queues\n}\n',
      }),
    });

  test('accepts a root that wires every manifest entry', async () => {
    const m = await parseModule('root', { 'main.tf': root() });
    expect(checkManifestCoverage(m, manifest(), await children())).toEqual([]);
  });

  test('reports an http-default function that is not the API\'s $default route', async () => {
    const m = await parseModule('root', { 'main.tf': root({ noDefaultRoute: true }) });
    expect((checkManifestCoverage(m, manifest(), await children())).map((f) => f.message))
      .toEqual(['module.api: the http-default function must be passed as default_route']);
  });

  test('reports functions no module call deploys, and functions deployed twice', async () => {
    const m = await parseModule('root', { 'main.tf': root({ functionsOf: 'http_functions' }) });
    const got = messages(checkManifestCoverage(m, manifest(), await children()));
    expect(got).toContain('function media-thumbnail (sqs) is deployed by no module call');
    expect(got).toContain('function photos-unzip-worker (sqs) is deployed by no module call');
    const twice = await parseModule('root', { 'main.tf': root({ functionsOf: 'functions' }) });
    expect(messages(checkManifestCoverage(twice, manifest(), await children()))).toContain(
      'function auth-pre-signup is deployed twice (functions, triggers)',
    );
  });

  test('reports http routes missing from the api module and non-http functions given routes', async () => {
    const some = await parseModule('root', { 'main.tf': root({ routesOf: 'cognito_functions' }) });
    const got = messages(checkManifestCoverage(some, manifest(), await children()));
    expect(got).toContain('route POST /images/upload (images-upload) is not passed to module.api');
    expect(got).toContain('module.api: auth-pre-signup is not an http function but gets a route');
  });

  test('reports tables not taken from the manifest and layers not created by for_each', async () => {
    const m = await parseModule('root', {
      'main.tf': root({ tables: '{ images = { hash_key = "pk" } }', layerForEach: 'toset(["jwt"])' }),
    });
    expect(messages(checkManifestCoverage(m, manifest(), await children()))).toEqual([
      'local.tables must be a for expression over local.manifest.resources.tables',
      'local.tables must map each table\'s indexes (manifest tables with indexes: social, connections)',
      'aws_lambda_layer_version must use for_each = local.manifest.layers',
    ]);
  });

  test('reports manifest indexes that the tables local or the storage module drops', async () => {
    const flat = await parseModule('root', { 'main.tf': root({ tables: '{ for name, t in local.manifest.resources.tables : name => { hash_key = t.hashKey } }' }) });
    expect(messages(checkManifestCoverage(flat, manifest(), await children()))).toEqual([
      'local.tables must map each table\'s indexes (manifest tables with indexes: social, connections)',
    ]);
    const m = await parseModule('root', { 'main.tf': root() });
    expect(messages(checkManifestCoverage(m, manifest(), await children(scheduleWiring, 'resource "aws_dynamodb_table" "this" {\n  for_each = var.tables\n}\n')))).toEqual([
      'modules/storage: aws_dynamodb_table.this must create a dynamic "global_secondary_index" with for_each = each.value.indexes',
    ]);
  });

  test('accepts a scheduled function whose schedule reaches an EventBridge rule, target and permission', async () => {
    const m = await parseModule('root', { 'main.tf': root({ functionsValue: passingSchedule }) });
    expect(messages(checkManifestCoverage(m, withSchedule(), await children(scheduleWiring)))).toEqual([]);
  });

  test('reports a schedule not passed, a module without rule, target or permission, and a bad rate', async () => {
    const m = await parseModule('root', { 'main.tf': root({ functionsValue: 'f' }) });
    expect(messages(checkManifestCoverage(m, withSchedule('rate(1 minutes)'), await children('')))).toEqual([
      'module.functions: deploys scheduled x-sweep but passes no schedule',
      'module.functions: modules/function: no aws_cloudwatch_event_rule with schedule_expression = each.value.schedule.expression',
      'module.functions: modules/function: no aws_cloudwatch_event_target from the rule to aws_lambda_function.this[each.key]',
      'module.functions: modules/function: no aws_lambda_permission letting events.amazonaws.com (source_arn = the rule) invoke the function',
      'function x-sweep: schedule rate "rate(1 minutes)" is not an EventBridge rate expression such as rate(5 minutes)',
    ]);
    const split = scheduleWiring.replace(/for_each {6}= local\.scheduled/, 'for_each      = var.functions');
    const passing = await parseModule('root', { 'main.tf': root({ functionsValue: passingSchedule }) });
    expect(messages(checkManifestCoverage(passing, withSchedule(), await children(split)))).toEqual([
      'module.functions: modules/function: the schedule rule, target and permission must share one for_each',
    ]);
  });

  test('reports websocket routes missing from the websocket module, other functions given one, and a module that is no WEBSOCKET API', async () => {
    const some = await parseModule('root', { 'main.tf': root({ websocketRoutesOf: 'cognito_functions' }) });
    const got = messages(checkManifestCoverage(some, manifest(), await children()));
    expect(got).toContain('websocket route $connect (social-ws-connect) is not passed to module.websocket');
    expect(got).toContain('module.websocket: auth-pre-signup is not a websocket function but gets a websocket route');
    const http = await parseModule('root', { 'main.tf': root() });
    expect(messages(checkManifestCoverage(http, manifest(), await children(scheduleWiring, INDEXED_STORAGE, WEBSOCKET_MODULE.replace('"WEBSOCKET"', '"HTTP"').replace('route_key = each.value.route', 'route_key = "$default"'))))).toEqual([
      'modules/websocket: aws_apigatewayv2_api must use for_each = var.apis and protocol_type = "WEBSOCKET"',
      'modules/websocket: aws_apigatewayv2_route must use for_each = var.routes and route_key = each.value.route',
    ]);
    const none = await parseModule('root', { 'main.tf': root().replace(/module "websocket" \{[\s\S]*?\n\}\n/, '') });
    const missing = messages(checkManifestCoverage(none, manifest(), await children()));
    expect(missing).toContain('expected one call of modules/websocket, found 0');
    expect(missing).toContain('function social-ws-send: env CHAT_WEBSOCKET_ENDPOINT = "websocket:chat" names nothing Terraform creates');
  });

  test('reports a filter it cannot evaluate instead of guessing', async () => {
    const m = await parseModule('root', {
      'main.tf': root().replace('if f.type != "cognito"', 'if length(f.type) > 4'),
    });
    expect(messages(checkManifestCoverage(m, manifest(), await children()))).toContain(
      'module.functions: local.service_functions: cannot evaluate the filter "length(f.type) > 4"',
    );
  });
});

describe('checkFileSet', () => {
  test('reports the files of the standard set a module lacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-fileset-'));
    try {
      writeFileSync(join(dir, 'main.tf'), '');
      writeFileSync(join(dir, 'variables.tf'), '');
      expect(messages(checkFileSet(dir, ['backend.tf']))).toEqual([
        'outputs.tf is missing',
        'versions.tf is missing',
        'backend.tf is missing',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('terraform fmt', () => {
  const fmt = terraformOnPath() ? test : test.skip;
  fmt(`-check fails on a badly formatted file${terraformOnPath() ? '' : ' (SKIPPED: no terraform binary on PATH)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-fmt-'));
    try {
      writeFileSync(join(dir, 'main.tf'), 'locals {\n a = 1\n    bb = 2\n}\n');
      const run = spawnSync('terraform', ['fmt', '-check', '-recursive', dir], { encoding: 'utf8' });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toContain('main.tf');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('checkMonitoring', () => {
  test('reports log groups without retention, functions without X-Ray, alarms missing or notifying nobody', async () => {
    const root = await parseModule('root', {
      'main.tf': `
locals {
  others = {}
}
module "functions" {
  source = "./modules/function"
}
module "triggers" {
  source = "./modules/function"
}
module "queues" {
  source = "./modules/queues"
}
module "monitoring" {
  source                  = "./modules/monitoring"
  function_names          = module.functions.function_names
  queues                  = { for name, q in local.others : name => q }
  dead_letter_queue_names = module.queues.queue_names
}
`,
    });
    const fn = await parseModule('function', {
      'main.tf': `
resource "aws_cloudwatch_log_group" "this" {
  name = "/aws/lambda/x"
}
resource "aws_lambda_function" "this" {
  function_name = "x"
}
`,
    });
    const monitoring = await parseModule('monitoring', {
      'main.tf': `
resource "aws_sns_topic" "alarms" {
  name = "alarms"
}
resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each    = var.function_names
  alarm_name  = each.value
  metric_name = "Errors"
}
resource "aws_cloudwatch_metric_alarm" "dlq" {
  for_each            = var.dead_letter_queue_names
  alarm_name          = each.value
  metric_name         = "ApproximateNumberOfMessagesVisible"
  threshold           = 10
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}
`,
    });
    const modules = { './modules/function': fn, './modules/monitoring': monitoring, './modules/queues': await parseModule('queues', {}) };
    const tree = { root, modules: new Map([['root', root], ['function', fn], ['monitoring', monitoring]]), resolve: memoryResolver(modules) };
    expect(sortedMessages(checkMonitoring(tree))).toEqual([
      'aws_cloudwatch_log_group.this has no retention_in_days',
      'aws_cloudwatch_metric_alarm.errors notifies no aws_sns_topic (alarm_actions)',
      'aws_lambda_function.this has no active X-Ray tracing (tracing_config { mode = "Active" })',
      'module.monitoring: alarm_email is not passed',
      'module.monitoring: dead_letter_queue_names must be module.queues.dead_letter_queue_names',
      'module.monitoring: function_names must include module.triggers.function_names',
      'module.monitoring: queues must be a for expression over local.queues',
      "no alarm on each DLQ's visible messages above 0 (for_each = var.dead_letter_queue_names)",
      "no alarm on each function's Throttles (for_each = var.function_names)",
      "no alarm on each queue's oldest message age (for_each = var.queues)",
      "no alarm on the API's 5xx rate (metric math over 5xx and Count)",
      "no alarm on the API's p99 latency",
      'no aws_cloudwatch_dashboard',
      'no e-mail subscription (protocol = "email") of var.alarm_email to the alarm topic',
    ]);
  });

  test('reports a root without the monitoring module', async () => {
    const root = await parseModule('root', { 'main.tf': 'locals {\n  a = 1\n}\n' });
    expect(messages(checkMonitoring({ root, modules: new Map([['root', root]]), resolve: memoryResolver({}) }))).toEqual(['expected one call of modules/monitoring, found 0']);
  });
});
