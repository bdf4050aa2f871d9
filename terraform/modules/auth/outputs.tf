output "user_pool_id" {
  description = "Id of the user pool."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool."
  value       = aws_cognito_user_pool.this.arn
}

output "client_id" {
  description = "Id of the app client (public, no secret)."
  value       = aws_cognito_user_pool_client.this.id
}

output "issuer_url" {
  description = "Issuer of the pool's tokens (the JWT authorizer's issuer)."
  value       = "https://${aws_cognito_user_pool.this.endpoint}"
}

output "hosted_ui_url" {
  description = "Base URL of the hosted UI / OAuth endpoints."
  value       = "https://${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.region}.amazoncognito.com"
}

output "oauth_token_url" {
  description = "OAuth 2.0 token endpoint of the hosted UI domain (code exchange for Google sign-in)."
  value       = "https://${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.region}.amazoncognito.com/oauth2/token"
}

output "ses_identity_arn" {
  description = "ARN of the SES email identity of mail_from."
  value       = aws_sesv2_email_identity.this.arn
}

output "google_enabled" {
  description = "Whether Google sign-in is configured."
  value       = local.google_enabled
}
