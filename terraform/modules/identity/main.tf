# Temporary AWS credentials for signed-in users (seed 003's access_key / secret_key / session_key):
# an identity pool that trusts only the user pool's app client, and one role for its authenticated
# identities. The role may touch only the caller's own prefix of the data bucket,
# <bucket>/<identity id>/..., through the policy variable ${cognito-identity.amazonaws.com:sub}.
#
# The role's policy is authenticated-policy.json.tftpl, the one document the local stack's S3 emulator
# also reads and enforces (scripts/local/emulators/identity-policy.ts).

resource "aws_cognito_identity_pool" "this" {
  # Identity pool names allow word characters and spaces only.
  identity_pool_name               = replace("${var.name_prefix} ${var.pool_name}", "/[^\\w ]/", "_")
  allow_unauthenticated_identities = false
  allow_classic_flow               = false

  cognito_identity_providers {
    client_id               = var.user_pool_client_id
    provider_name           = var.user_pool_provider_name
    server_side_token_check = true
  }

  tags = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.this.id]
    }

    condition {
      test     = "ForAnyValue:StringLike"
      variable = "cognito-identity.amazonaws.com:amr"
      values   = ["authenticated"]
    }
  }
}

resource "aws_iam_role" "authenticated" {
  name               = "${var.name_prefix}-${var.pool_name}-identity-authenticated"
  description        = "Authenticated identities of the ${var.pool_name} identity pool: their own prefix of the data bucket"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "authenticated" {
  name   = "own-data-prefix"
  role   = aws_iam_role.authenticated.id
  policy = templatefile("${path.module}/authenticated-policy.json.tftpl", { data_bucket_arn = var.data_bucket_arn })
}

resource "aws_cognito_identity_pool_roles_attachment" "this" {
  identity_pool_id = aws_cognito_identity_pool.this.id

  roles = {
    authenticated = aws_iam_role.authenticated.arn
  }
}
