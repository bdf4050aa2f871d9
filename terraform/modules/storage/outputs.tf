output "table_names" {
  description = "DynamoDB table names, keyed by manifest name."
  value       = { for key, t in aws_dynamodb_table.this : key => t.name }
}

output "table_arns" {
  description = "DynamoDB table ARNs, keyed by manifest name."
  value       = { for key, t in aws_dynamodb_table.this : key => t.arn }
}

output "bucket_names" {
  description = "S3 bucket names, keyed by manifest name."
  value       = { for key, b in aws_s3_bucket.this : key => b.id }
}

output "bucket_arns" {
  description = "S3 bucket ARNs, keyed by manifest name."
  value       = { for key, b in aws_s3_bucket.this : key => b.arn }
}
