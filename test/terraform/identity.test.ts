/**
 * The identity pool (terraform/modules/identity): authenticated identities only, from the user pool's
 * app client; one role whose policy is the shared template, granting exactly the caller's own prefix of
 * the datasets bucket; and the root module wiring it to the datasets bucket and the functions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule, type HclBody, type ModuleConfig } from '../../scripts/terraform/check';
import { authenticatedPolicy, POLICY_TEMPLATE, renderTemplate } from '../../scripts/local/emulators/identity-policy';
import { TERRAFORM_DIR } from './helpers';

let identity: ModuleConfig;
let root: ModuleConfig;
beforeAll(async () => {
  identity = await loadModule(join(TERRAFORM_DIR, 'modules', 'identity'));
  root = await loadModule(TERRAFORM_DIR);
});

/** The body of `<kind> "<type>" "<name>"` in a module. */
function block(module: ModuleConfig, kind: 'resource' | 'data' | 'module', type: string, name?: string): HclBody {
  for (const { body } of module.files) {
    const byType = (body[kind] as Record<string, unknown> | undefined)?.[type];
    if (!byType) continue;
    const found = name === undefined ? byType : (byType as Record<string, unknown>)[name];
    if (found) return (found as HclBody[])[0]!;
  }
  throw new Error(`${kind} ${type} ${name ?? ''} not found in ${module.dir}`);
}

const SUB = '${cognito-identity.amazonaws.com:sub}';

describe('identity pool', () => {
  test('accepts authenticated identities only, from the user pool app client, with the server-side token check', () => {
    const pool = block(identity, 'resource', 'aws_cognito_identity_pool', 'this');
    expect(pool.allow_unauthenticated_identities).toBe(false);
    expect(pool.allow_classic_flow).toBe(false);
    expect(pool.cognito_identity_providers).toEqual([{
      client_id: '${var.user_pool_client_id}', provider_name: '${var.user_pool_provider_name}', server_side_token_check: true,
    }]);
  });

  test('attaches one authenticated role (no unauthenticated one), assumable only by this pool\'s authenticated identities', () => {
    const attachment = block(identity, 'resource', 'aws_cognito_identity_pool_roles_attachment', 'this');
    expect(attachment.roles).toEqual({ authenticated: '${aws_iam_role.authenticated.arn}' });
    const assume = (block(identity, 'data', 'aws_iam_policy_document', 'assume').statement as HclBody[])[0]!;
    expect(assume.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(assume.condition).toEqual(expect.arrayContaining([
      expect.objectContaining({ test: 'StringEquals', variable: 'cognito-identity.amazonaws.com:aud', values: ['${aws_cognito_identity_pool.this.id}'] }),
      expect.objectContaining({ test: 'ForAnyValue:StringLike', variable: 'cognito-identity.amazonaws.com:amr', values: ['authenticated'] }),
    ]));
  });

  test('the role policy is the shared template, rendered with the data bucket ARN', () => {
    const policy = block(identity, 'resource', 'aws_iam_role_policy', 'authenticated');
    expect(policy.role).toBe('${aws_iam_role.authenticated.id}');
    expect(policy.policy).toBe('${templatefile("${path.module}/authenticated-policy.json.tftpl", { data_bucket_arn = var.data_bucket_arn })}');
    expect(POLICY_TEMPLATE).toBe(join(TERRAFORM_DIR, 'modules', 'identity', 'authenticated-policy.json.tftpl'));
  });

  test('the policy grants exactly the four object actions under <bucket>/<identity id>/ and a listing of that prefix, nothing else', () => {
    const policy = authenticatedPolicy('darkroom-datasets');
    expect(policy.Statement).toEqual([
      {
        Sid: expect.any(String), Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: [`arn:aws:s3:::darkroom-datasets/${SUB}/*`],
      },
      {
        Sid: expect.any(String), Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::darkroom-datasets'],
        Condition: { StringLike: { 's3:prefix': [`${SUB}/`, `${SUB}/*`] } },
      },
    ]);
  });

  test('the root module gives the pool the user pool client and the datasets bucket, and the functions its id', () => {
    const call = block(root, 'module', 'identity');
    expect(call.source).toBe('./modules/identity');
    expect(call.user_pool_client_id).toBe('${module.auth.client_id}');
    expect(call.user_pool_provider_name).toBe('${trimprefix(module.auth.issuer_url, "https://")}');
    expect(call.data_bucket_arn).toBe('${module.storage.bucket_arns["datasets"]}');
    expect(readFileSync(join(TERRAFORM_DIR, 'main.tf'), 'utf8')).toMatch(/IDENTITY_POOL_ID\s+=\s+module\.identity\.identity_pool_id/);
  });
});

describe('renderTemplate (templatefile\'s subset the policy uses)', () => {
  test('substitutes variables and unescapes $${ and %%{', () => {
    expect(renderTemplate('${a}/$${b}/%%{c}', { a: 'x' })).toBe('x/${b}/%{c}');
  });
  test.each([['${missing}'], ['${a.b}'], ['%{ if a }x%{ endif }']])('refuses %s', (template) => {
    expect(() => renderTemplate(template, { a: 'x' })).toThrow();
  });
});
