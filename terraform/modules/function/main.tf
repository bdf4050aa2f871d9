data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  function_names = { for key, f in var.functions : key => "${var.name_prefix}-${key}" }

  # Log group ARNs are derived from the names so that the role policy does not have to wait for them.
  log_group_arns = {
    for key, name in local.function_names :
    key => "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${name}"
  }

  sqs_consumers = { for key, f in var.functions : key => f if f.sqs_trigger != null }
  scheduled     = { for key, f in var.functions : key => f if f.schedule != null }
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "LambdaAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = var.functions

  name               = local.function_names[each.key]
  description        = "Execution role of Lambda ${local.function_names[each.key]}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  for_each = var.functions

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arns[each.key]}:*"]
  }

  statement {
    # X-Ray write actions do not support resource-level permissions.
    sid       = "XRayTracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = each.value.sqs_trigger == null ? [] : [each.value.sqs_trigger]

    content {
      sid       = "ConsumeTriggerQueue"
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
      resources = [statement.value.queue_arn]
    }
  }

  dynamic "statement" {
    for_each = lookup(var.policy_statements, each.key, [])

    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "this" {
  for_each = var.functions

  name   = "least-privilege"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.this[each.key].json
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = var.functions

  name              = "/aws/lambda/${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  for_each = var.functions

  function_name    = local.function_names[each.key]
  description      = each.value.description
  role             = aws_iam_role.this[each.key].arn
  runtime          = var.runtime
  architectures    = [each.value.architecture]
  handler          = "index.handler"
  filename         = "${var.artifacts_dir}/functions/${each.key}.zip"
  source_code_hash = filebase64sha256("${var.artifacts_dir}/functions/${each.key}.zip")
  memory_size      = each.value.memory
  timeout          = each.value.timeout
  layers           = each.value.layer_arns

  environment {
    variables = merge(
      {
        POWERTOOLS_SERVICE_NAME = each.value.service
        POWERTOOLS_LOG_LEVEL    = var.log_level
      },
      # Node parses a bundle's source map when it loads it; without the sources' text (build.ts) that
      # costs a few ms of cold init (2-6 ms measured; npm run bench, cold init). The maps ship in every zip: a switch.
      var.source_maps ? { NODE_OPTIONS = "--enable-source-maps" } : {},
      each.value.environment,
    )
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this[each.key].name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  tags = merge(var.tags, { "darkroom:service" = each.value.service })

  # Deliberately no dependency on aws_iam_role_policy.this: for a Cognito trigger that policy names
  # the user pool, and the pool names this function, so the dependency would be a cycle. The
  # policy is in place long before the first invocation.
}

resource "aws_lambda_event_source_mapping" "this" {
  for_each = local.sqs_consumers

  event_source_arn        = each.value.sqs_trigger.queue_arn
  function_name           = aws_lambda_function.this[each.key].arn
  batch_size              = each.value.sqs_trigger.batch_size
  function_response_types = ["ReportBatchItemFailures"]

  lifecycle {
    precondition {
      condition     = each.value.sqs_trigger.visibility_timeout >= 6 * each.value.timeout
      error_message = "The queue of ${each.key} needs a visibility timeout of at least 6x the function timeout (${6 * each.value.timeout} s)."
    }
  }

  # Lambda checks the role's SQS permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.this]
}

# Scheduled functions: one EventBridge rule each, targeting the function, which lets EventBridge
# (that rule only) invoke it. EventBridge retries a failed asynchronous invocation itself.
resource "aws_cloudwatch_event_rule" "schedule" {
  for_each = local.scheduled

  name                = "${local.function_names[each.key]}-schedule"
  description         = "Invokes ${local.function_names[each.key]} at ${each.value.schedule.expression}"
  schedule_expression = each.value.schedule.expression
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  for_each = local.scheduled

  rule      = aws_cloudwatch_event_rule.schedule[each.key].name
  target_id = "lambda"
  arn       = aws_lambda_function.this[each.key].arn

  retry_policy {
    # Scheduled functions are idempotent sweeps: a run EventBridge could not deliver within an hour
    # is dropped, and the next one does its work.
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 3
  }
}

resource "aws_lambda_permission" "schedule" {
  for_each = local.scheduled

  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.key].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule[each.key].arn
}
