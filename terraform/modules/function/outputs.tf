output "function_names" {
  description = "Deployed Lambda function names, keyed by manifest name."
  value       = { for key, f in aws_lambda_function.this : key => f.function_name }
}

output "function_arns" {
  description = "Lambda function ARNs, keyed by manifest name."
  value       = { for key, f in aws_lambda_function.this : key => f.arn }
}

output "invoke_arns" {
  description = "Lambda invoke ARNs (for API Gateway integrations), keyed by manifest name."
  value       = { for key, f in aws_lambda_function.this : key => f.invoke_arn }
}

output "role_names" {
  description = "Execution role names, keyed by manifest name (for attaching extra policies)."
  value       = { for key, r in aws_iam_role.this : key => r.name }
}

output "role_arns" {
  description = "Execution role ARNs, keyed by manifest name."
  value       = { for key, r in aws_iam_role.this : key => r.arn }
}

output "log_group_names" {
  description = "CloudWatch log group names, keyed by manifest name."
  value       = { for key, g in aws_cloudwatch_log_group.this : key => g.name }
}

output "schedule_rule_arns" {
  description = "EventBridge rule ARNs of the scheduled functions, keyed by manifest name."
  value       = { for key, r in aws_cloudwatch_event_rule.schedule : key => r.arn }
}
