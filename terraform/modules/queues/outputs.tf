output "queue_arns" {
  description = "Work queue ARNs, keyed by manifest name."
  value       = { for name, q in aws_sqs_queue.this : name => q.arn }
}

output "queue_urls" {
  description = "Work queue URLs, keyed by manifest name."
  value       = { for name, q in aws_sqs_queue.this : name => q.url }
}

output "visibility_timeouts" {
  description = "Work queue visibility timeouts in seconds, keyed by manifest name."
  value       = { for name, q in aws_sqs_queue.this : name => q.visibility_timeout_seconds }
}

output "dead_letter_queue_arns" {
  description = "Dead-letter queue ARNs, keyed by manifest name of the work queue."
  value       = { for name, q in aws_sqs_queue.dead_letter : name => q.arn }
}

output "dead_letter_queue_urls" {
  description = "Dead-letter queue URLs, keyed by manifest name of the work queue."
  value       = { for name, q in aws_sqs_queue.dead_letter : name => q.url }
}

output "queue_names" {
  description = "Work queue names, keyed by manifest name."
  value       = { for name, q in aws_sqs_queue.this : name => q.name }
}

output "dead_letter_queue_names" {
  description = "Dead-letter queue names, keyed by manifest name of the work queue."
  value       = { for name, q in aws_sqs_queue.dead_letter : name => q.name }
}
