data "aws_partition" "current" {}

data "aws_ssm_parameter" "ami" {
  count = var.ami_id == null ? 1 : 0

  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${var.ami_architecture}"
}

locals {
  # The tag that marks an instance as a Darkroom worker; the IAM conditions below rely on it.
  worker_tag_key   = "darkroom:role"
  worker_tag_value = "worker"

  worker_tags = merge(var.tags, {
    (local.worker_tag_key) = local.worker_tag_value
    "darkroom:fleet"       = var.name_prefix
  })
}

data "aws_iam_policy_document" "worker_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "${var.name_prefix}-balancer-worker"
  description        = "Instance role of the Darkroom balancer workers (Systems Manager access only)"
  assume_role_policy = data.aws_iam_policy_document.worker_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "worker_ssm" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  name = "${var.name_prefix}-balancer-worker"
  role = aws_iam_role.worker.name
  tags = var.tags
}

resource "aws_launch_template" "this" {
  name                   = "${var.name_prefix}-balancer-worker"
  description            = "Darkroom dataset workers started and stopped by the balancer"
  image_id               = var.ami_id != null ? var.ami_id : data.aws_ssm_parameter.ami[0].insecure_value
  instance_type          = var.instance_type
  update_default_version = true
  user_data              = var.user_data == null ? null : base64encode(var.user_data)
  vpc_security_group_ids = length(var.security_group_ids) == 0 ? null : var.security_group_ids

  # Stopping, not terminating, is how the balancer scales the fleet down.
  instance_initiated_shutdown_behavior = "stop"

  iam_instance_profile {
    arn = aws_iam_instance_profile.this.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "enabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.root_volume_size
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = local.worker_tags
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.worker_tags
  }

  tags = local.worker_tags
}

resource "aws_instance" "this" {
  count = var.instance_count

  subnet_id = length(var.subnet_ids) == 0 ? null : var.subnet_ids[count.index % length(var.subnet_ids)]

  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }

  tags = merge(local.worker_tags, { Name = "${var.name_prefix}-worker-${count.index}" })

  lifecycle {
    # A new launch template version applies to new workers; it must not replace running ones.
    ignore_changes = [launch_template[0].version]
  }
}

data "aws_iam_policy_document" "balancer" {
  statement {
    # Describe* actions do not support resource-level permissions or tag conditions.
    sid       = "DescribeInstances"
    actions   = ["ec2:DescribeInstances", "ec2:DescribeInstanceStatus"]
    resources = ["*"]
  }

  statement {
    sid       = "StartStopWorkersOnly"
    actions   = ["ec2:StartInstances", "ec2:StopInstances"]
    resources = ["arn:${data.aws_partition.current.partition}:ec2:*:*:instance/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/${local.worker_tag_key}"
      values   = [local.worker_tag_value]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/darkroom:fleet"
      values   = [var.name_prefix]
    }
  }
}

resource "aws_iam_policy" "this" {
  name        = "${var.name_prefix}-balancer"
  description = "Lets the balancer Lambdas see the fleet and start/stop only tagged Darkroom workers"
  policy      = data.aws_iam_policy_document.balancer.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = var.function_role_names

  role       = each.value
  policy_arn = aws_iam_policy.this.arn
}
