output "identity_pool_id" {
  description = "Id of the identity pool (<region>:<uuid>)."
  value       = aws_cognito_identity_pool.this.id
}

output "authenticated_role_arn" {
  description = "ARN of the role authenticated identities assume."
  value       = aws_iam_role.authenticated.arn
}

output "authenticated_policy" {
  description = "The authenticated role's policy document (JSON), as rendered from authenticated-policy.json.tftpl."
  value       = aws_iam_role_policy.authenticated.policy
}
