/**
 * The policy of the identity pool's authenticated role, read from the one document Terraform deploys
 * (terraform/modules/identity/authenticated-policy.json.tftpl), so the local S3 enforces exactly what
 * AWS will.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../../manifest';

/** The template Terraform renders with `templatefile(..., { data_bucket_arn })`. */
export const POLICY_TEMPLATE = resolve(ROOT, 'terraform/modules/identity/authenticated-policy.json.tftpl');

/** An IAM policy document (the parts the S3 front reads). */
export interface PolicyDocument {
  Version: string;
  Statement: Array<{ Sid?: string; Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }>;
}

/**
 * Renders a Terraform string template the way `templatefile` does for the subset a policy document
 * needs: `${name}` is replaced by `vars[name]`, `$${` is a literal `${` (an IAM policy variable) and
 * `%%{` a literal `%{`. Directives (`%{ if }`, `%{ for }`) and expressions other than a bare variable
 * name are refused, so a template this cannot render the same way fails loudly instead of differing.
 * Source: Terraform language, "Strings and Templates" (https://developer.hashicorp.com/terraform/language/expressions/strings).
 * @throws Error for an unknown variable, an expression or a directive
 */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\$\$\{|%%\{|\$\{([^}]*)\}|%\{/g, (match, expression: string | undefined) => {
    if (match === '$${') return '${';
    if (match === '%%{') return '%{';
    if (match === '%{') throw new Error('template directives (%{ ... }) are not supported');
    const name = (expression ?? '').trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`template expression "${name}" is not a bare variable name`);
    const value = vars[name];
    if (value === undefined) throw new Error(`template variable "${name}" is not given`);
    return value;
  });
}

/**
 * The authenticated role's policy for one data bucket, as Terraform renders it.
 * @param dataBucket - the bucket's name (its ARN is `arn:aws:s3:::<name>`)
 * @throws Error when the template does not render or is not JSON
 */
export function authenticatedPolicy(dataBucket: string, template = POLICY_TEMPLATE): PolicyDocument {
  return JSON.parse(renderTemplate(readFileSync(template, 'utf8'), { data_bucket_arn: `arn:aws:s3:::${dataBucket}` })) as PolicyDocument;
}
