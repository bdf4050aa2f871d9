data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  # The plan project refreshes and diffs (read-only everywhere, plus the state and its lock file);
  # the apply project changes the stack.
  projects = {
    plan = {
      description = "npm ci, npm test, build, terraform fmt/init/validate/plan -out=tfplan"
      buildspec   = "buildspec.yml"
      policy_arns = ["arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"]
    }
    apply = {
      description = "terraform apply of the reviewed tfplan artifact"
      buildspec   = "buildspec_apply.yml"
      policy_arns = var.apply_policy_arns != null ? var.apply_policy_arns : ["arn:${local.partition}:iam::aws:policy/AdministratorAccess"]
    }
  }

  project_policy_attachments = merge([
    for project, p in local.projects : {
      for index, arn in p.policy_arns : "${project}-${index}" => { project = project, policy_arn = arn }
    }
  ]...)

  state_object_arn = "arn:${local.partition}:s3:::${var.state_bucket}/${var.state_key}"

  secret_parameter_arns = [
    for name in values(var.secret_parameters) :
    "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(name, "/")}"
  ]
}

resource "aws_codecommit_repository" "this" {
  repository_name = var.repository_name
  description     = "Darkroom: serverless media and dataset backend"
  default_branch  = var.branch
  tags            = var.tags
}

# --- Artifacts --------------------------------------------------------------------------------

resource "aws_s3_bucket" "artifacts" {
  bucket        = "${var.name_prefix}-pipeline-${local.account_id}-${local.region}"
  force_destroy = true
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    id     = "expire-old-artifacts"
    status = "Enabled"

    filter {}

    expiration {
      days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

# --- CodeBuild --------------------------------------------------------------------------------

data "aws_iam_policy_document" "codebuild_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "codebuild" {
  for_each = local.projects

  name               = "${var.name_prefix}-codebuild-${each.key}"
  description        = "CodeBuild ${each.key} project of the Darkroom pipeline"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "codebuild" {
  for_each = local.projects

  name              = "/aws/codebuild/${var.name_prefix}-${each.key}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

data "aws_iam_policy_document" "codebuild" {
  for_each = local.projects

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.codebuild[each.key].arn}:*"]
  }

  statement {
    sid       = "PipelineArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    resources = ["${aws_s3_bucket.artifacts.arn}/*"]
  }

  statement {
    sid       = "StateBucket"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.state_bucket}"]
  }

  statement {
    # The state object and its S3-native lock file (use_lockfile = true writes <key>.tflock).
    sid       = "StateObjectAndLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [local.state_object_arn, "${local.state_object_arn}.tflock"]
  }

  dynamic "statement" {
    for_each = length(local.secret_parameter_arns) == 0 ? [] : [local.secret_parameter_arns]

    content {
      sid       = "SecretParameters"
      actions   = ["ssm:GetParameters"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "codebuild" {
  for_each = local.projects

  name   = "pipeline-access"
  role   = aws_iam_role.codebuild[each.key].id
  policy = data.aws_iam_policy_document.codebuild[each.key].json
}

resource "aws_iam_role_policy_attachment" "codebuild" {
  for_each = local.project_policy_attachments

  role       = aws_iam_role.codebuild[each.value.project].name
  policy_arn = each.value.policy_arn
}

resource "aws_codebuild_project" "this" {
  for_each = local.projects

  name          = "${var.name_prefix}-${each.key}"
  description   = each.value.description
  service_role  = aws_iam_role.codebuild[each.key].arn
  build_timeout = 60

  source {
    type      = "CODEPIPELINE"
    buildspec = each.value.buildspec
  }

  artifacts {
    type = "CODEPIPELINE"
  }

  environment {
    type         = "LINUX_CONTAINER"
    compute_type = var.compute_type
    image        = var.build_image

    environment_variable {
      name  = "TF_VERSION"
      value = var.terraform_version
    }

    environment_variable {
      name  = "TF_STATE_BUCKET"
      value = var.state_bucket
    }

    environment_variable {
      name  = "TF_STATE_KEY"
      value = var.state_key
    }

    dynamic "environment_variable" {
      for_each = each.key == "plan" ? var.terraform_variables : {}

      content {
        name  = "TF_VAR_${environment_variable.key}"
        value = environment_variable.value
      }
    }

    dynamic "environment_variable" {
      for_each = each.key == "plan" ? var.secret_parameters : {}

      content {
        name  = "TF_VAR_${environment_variable.key}"
        value = environment_variable.value
        type  = "PARAMETER_STORE"
      }
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.codebuild[each.key].name
    }
  }

  tags = var.tags
}

# --- CodePipeline -----------------------------------------------------------------------------

data "aws_iam_policy_document" "codepipeline_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codepipeline.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codepipeline" {
  name               = "${var.name_prefix}-codepipeline"
  description        = "Role of the Darkroom CodePipeline"
  assume_role_policy = data.aws_iam_policy_document.codepipeline_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "codepipeline" {
  statement {
    sid = "Source"
    actions = [
      "codecommit:GetBranch",
      "codecommit:GetCommit",
      "codecommit:GetRepository",
      "codecommit:UploadArchive",
      "codecommit:GetUploadArchiveStatus",
      "codecommit:CancelUploadArchive",
    ]
    resources = [aws_codecommit_repository.this.arn]
  }

  statement {
    sid       = "Builds"
    actions   = ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
    resources = [for p in aws_codebuild_project.this : p.arn]
  }

  statement {
    sid       = "Artifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning"]
    resources = [aws_s3_bucket.artifacts.arn, "${aws_s3_bucket.artifacts.arn}/*"]
  }
}

resource "aws_iam_role_policy" "codepipeline" {
  name   = "pipeline"
  role   = aws_iam_role.codepipeline.id
  policy = data.aws_iam_policy_document.codepipeline.json
}

resource "aws_codepipeline" "this" {
  name          = var.name_prefix
  role_arn      = aws_iam_role.codepipeline.arn
  pipeline_type = "V2"

  # Never run two applies at once: a newer execution waits for the running one.
  execution_mode = "QUEUED"

  artifact_store {
    type     = "S3"
    location = aws_s3_bucket.artifacts.bucket
  }

  stage {
    name = "Source"

    action {
      name             = "CodeCommit"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeCommit"
      version          = "1"
      output_artifacts = ["source"]

      configuration = {
        RepositoryName       = aws_codecommit_repository.this.repository_name
        BranchName           = var.branch
        PollForSourceChanges = "false"
        OutputArtifactFormat = "CODE_ZIP"
      }
    }
  }

  stage {
    name = "Plan"

    action {
      name             = "TestBuildPlan"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["source"]
      output_artifacts = ["plan"]

      configuration = {
        ProjectName = aws_codebuild_project.this["plan"].name
      }
    }
  }

  dynamic "stage" {
    for_each = var.require_manual_approval ? ["Approve"] : []

    content {
      name = stage.value

      action {
        name     = "ReviewPlan"
        category = "Approval"
        owner    = "AWS"
        provider = "Manual"
        version  = "1"

        configuration = {
          CustomData = "Review the plan in the Plan stage's CodeBuild log before approving."
        }
      }
    }
  }

  stage {
    name = "Apply"

    action {
      name            = "TerraformApply"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = ["plan"]

      configuration = {
        ProjectName = aws_codebuild_project.this["apply"].name
      }
    }
  }

  tags = var.tags
}

# --- Start the pipeline on a push to the branch -----------------------------------------------

data "aws_iam_policy_document" "events_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "events" {
  name               = "${var.name_prefix}-pipeline-trigger"
  description        = "Lets EventBridge start the Darkroom pipeline"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "events" {
  statement {
    actions   = ["codepipeline:StartPipelineExecution"]
    resources = [aws_codepipeline.this.arn]
  }
}

resource "aws_iam_role_policy" "events" {
  name   = "start-pipeline"
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}

resource "aws_cloudwatch_event_rule" "this" {
  name        = "${var.name_prefix}-pipeline-on-push"
  description = "Start the pipeline when ${var.branch} of ${var.repository_name} changes"

  event_pattern = jsonencode({
    source      = ["aws.codecommit"]
    detail-type = ["CodeCommit Repository State Change"]
    resources   = [aws_codecommit_repository.this.arn]
    detail = {
      event         = ["referenceCreated", "referenceUpdated"]
      referenceType = ["branch"]
      referenceName = [var.branch]
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule     = aws_cloudwatch_event_rule.this.name
  arn      = aws_codepipeline.this.arn
  role_arn = aws_iam_role.events.arn
}
