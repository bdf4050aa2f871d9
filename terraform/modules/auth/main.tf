data "aws_region" "current" {}

locals {
  google_enabled = nonsensitive(var.google_client_id != null && var.google_client_secret != null)

  # Manifest trigger event -> argument of the lambda_config block.
  trigger_arguments = {
    PreSignUp                   = "pre_sign_up"
    PostConfirmation            = "post_confirmation"
    PreAuthentication           = "pre_authentication"
    PostAuthentication          = "post_authentication"
    CustomMessage               = "custom_message"
    DefineAuthChallenge         = "define_auth_challenge"
    CreateAuthChallenge         = "create_auth_challenge"
    VerifyAuthChallengeResponse = "verify_auth_challenge_response"
    UserMigration               = "user_migration"
  }
  trigger_arns = { for event, t in var.lambda_triggers : local.trigger_arguments[event] => t.function_arn }
}

resource "aws_sesv2_email_identity" "this" {
  email_identity = var.mail_from
  tags           = var.tags
}

resource "aws_cognito_user_pool" "this" {
  name                     = "${var.name_prefix}-${var.pool_name}"
  username_attributes      = length(var.username_attributes) == 0 ? null : var.username_attributes
  auto_verified_attributes = var.auto_verified_attributes
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  mfa_configuration        = "OFF"

  username_configuration {
    case_sensitive = false
  }

  password_policy {
    minimum_length                   = var.password_policy.minimum_length
    require_lowercase                = var.password_policy.require_lowercase
    require_uppercase                = var.password_policy.require_uppercase
    require_numbers                  = var.password_policy.require_numbers
    require_symbols                  = var.password_policy.require_symbols
    temporary_password_validity_days = 7
  }

  schema {
    name                = "email"
    attribute_data_type = "String"
    required            = true
    mutable             = true

    string_attribute_constraints {
      min_length = 3
      max_length = 254
    }
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
    email_subject        = "Your Darkroom verification code"
    email_message        = "Your Darkroom verification code is {####}"
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = false
  }

  email_configuration {
    email_sending_account = var.cognito_email_via_ses ? "DEVELOPER" : "COGNITO_DEFAULT"
    source_arn            = var.cognito_email_via_ses ? aws_sesv2_email_identity.this.arn : null
    from_email_address    = var.cognito_email_via_ses ? var.mail_from : null
  }

  dynamic "lambda_config" {
    for_each = length(var.lambda_triggers) == 0 ? [] : [local.trigger_arns]

    content {
      pre_sign_up                    = lookup(lambda_config.value, "pre_sign_up", null)
      post_confirmation              = lookup(lambda_config.value, "post_confirmation", null)
      pre_authentication             = lookup(lambda_config.value, "pre_authentication", null)
      post_authentication            = lookup(lambda_config.value, "post_authentication", null)
      custom_message                 = lookup(lambda_config.value, "custom_message", null)
      define_auth_challenge          = lookup(lambda_config.value, "define_auth_challenge", null)
      create_auth_challenge          = lookup(lambda_config.value, "create_auth_challenge", null)
      verify_auth_challenge_response = lookup(lambda_config.value, "verify_auth_challenge_response", null)
      user_migration                 = lookup(lambda_config.value, "user_migration", null)
    }
  }

  tags = var.tags
}

resource "aws_lambda_permission" "this" {
  for_each = var.lambda_triggers

  statement_id  = "AllowCognito${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "cognito-idp.amazonaws.com"
  source_arn    = aws_cognito_user_pool.this.arn
}

resource "aws_cognito_identity_provider" "google" {
  count = local.google_enabled ? 1 : 0

  user_pool_id  = aws_cognito_user_pool.this.id
  provider_name = "Google"
  provider_type = "Google"

  provider_details = {
    client_id        = var.google_client_id
    client_secret    = var.google_client_secret
    authorize_scopes = "openid email profile"
  }

  attribute_mapping = {
    email    = "email"
    name     = "name"
    username = "sub"
  }
}

resource "aws_cognito_user_pool_client" "this" {
  name         = "${var.name_prefix}-${var.pool_name}-app"
  user_pool_id = aws_cognito_user_pool.this.id

  # A public client (browser, mobile, the API's Lambdas calling InitiateAuth): no secret.
  generate_secret               = false
  explicit_auth_flows           = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  enable_token_revocation       = true
  prevent_user_existence_errors = "ENABLED"

  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email", "profile"]
  callback_urls                        = var.callback_urls
  logout_urls                          = var.logout_urls

  # Referencing the provider (not the literal "Google") orders its creation before the client's.
  supported_identity_providers = concat(["COGNITO"], aws_cognito_identity_provider.google[*].provider_name)

  access_token_validity  = 60
  id_token_validity      = 60
  refresh_token_validity = 30

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

resource "aws_cognito_user_pool_domain" "this" {
  domain       = var.domain_prefix
  user_pool_id = aws_cognito_user_pool.this.id
}
