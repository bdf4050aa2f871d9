output "launch_template_id" {
  description = "Id of the workers' launch template."
  value       = aws_launch_template.this.id
}

output "instance_ids" {
  description = "Ids of the worker instances Terraform runs."
  value       = aws_instance.this[*].id
}

output "policy_arn" {
  description = "ARN of the policy attached to the balancer Lambdas."
  value       = aws_iam_policy.this.arn
}

output "worker_tag" {
  description = "Tag (key and value) that marks an instance as a Darkroom worker."
  value       = { key = local.worker_tag_key, value = local.worker_tag_value }
}
