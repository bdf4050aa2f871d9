data "aws_caller_identity" "current" {}

locals {
  sourced_queues = { for name, q in var.queues : name => q if q.source != null }

  # S3 allows one notification configuration per bucket: group the queues by their source bucket.
  source_buckets = toset([for q in values(local.sourced_queues) : q.source.bucket])
}

resource "aws_sqs_queue" "dead_letter" {
  for_each = var.queues

  name                      = "${var.name_prefix}-${each.key}-dlq"
  message_retention_seconds = var.dead_letter_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "this" {
  for_each = var.queues

  name                       = "${var.name_prefix}-${each.key}"
  visibility_timeout_seconds = each.value.visibility_timeout
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[each.key].arn
    maxReceiveCount     = each.value.max_receive_count
  })

  tags = var.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "this" {
  for_each = var.queues

  queue_url = aws_sqs_queue.dead_letter[each.key].id

  # Only the queue this DLQ belongs to may use it as its dead-letter queue.
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this[each.key].arn]
  })
}

data "aws_iam_policy_document" "s3_send" {
  for_each = local.sourced_queues

  statement {
    sid       = "AllowS3Notifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this[each.key].arn]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [var.bucket_arns[each.value.source.bucket]]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  for_each = local.sourced_queues

  queue_url = aws_sqs_queue.this[each.key].id
  policy    = data.aws_iam_policy_document.s3_send[each.key].json
}

resource "aws_s3_bucket_notification" "this" {
  for_each = local.source_buckets

  bucket = var.bucket_names[each.value]

  dynamic "queue" {
    for_each = { for name, q in local.sourced_queues : name => q if q.source.bucket == each.value }

    content {
      id            = "${var.name_prefix}-${queue.key}"
      queue_arn     = aws_sqs_queue.this[queue.key].arn
      events        = queue.value.source.events
      filter_prefix = queue.value.source.filter_prefix
      filter_suffix = queue.value.source.filter_suffix
    }
  }

  # S3 sends a test event when the configuration is saved and rejects it if it cannot.
  depends_on = [aws_sqs_queue_policy.this]
}
