output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = module.api.api_endpoint
}

output "user_pool_id" {
  description = "Id of the Cognito user pool."
  value       = module.auth.user_pool_id
}

output "user_pool_client_id" {
  description = "Id of the Cognito app client (public, no secret)."
  value       = module.auth.client_id
}

output "identity_pool_id" {
  description = "Id of the Cognito identity pool that issues signed-in users' temporary credentials."
  value       = module.identity.identity_pool_id
}

output "hosted_ui_url" {
  description = "Base URL of the Cognito hosted UI (OAuth endpoints, Google sign-in)."
  value       = module.auth.hosted_ui_url
}

output "function_names" {
  description = "Lambda function names, keyed by manifest name."
  value       = merge(module.functions.function_names, module.cognito_triggers.function_names)
}

output "route_keys" {
  description = "API route keys (\"METHOD /path\"), keyed by manifest function name."
  value       = module.api.route_keys
}

output "table_names" {
  description = "DynamoDB table names, keyed by manifest name."
  value       = module.storage.table_names
}

output "bucket_names" {
  description = "S3 bucket names, keyed by manifest name."
  value       = module.storage.bucket_names
}

output "queue_urls" {
  description = "SQS work queue URLs, keyed by manifest name."
  value       = module.queues.queue_urls
}

output "dead_letter_queue_urls" {
  description = "SQS dead-letter queue URLs, keyed by manifest name of the work queue."
  value       = module.queues.dead_letter_queue_urls
}

output "balancer_assignments_table" {
  description = "DynamoDB table of the balancer's worker assignments."
  value       = module.storage.table_names["balancer"]
}

output "balancer_launch_template_id" {
  description = "Launch template of the balancer's EC2 workers."
  value       = module.balancer.launch_template_id
}

output "repository_clone_url_http" {
  description = "HTTPS clone URL of the CodeCommit repository the pipeline builds."
  value       = module.pipeline.repository_clone_url_http
}

output "pipeline_name" {
  description = "Name of the delivery CodePipeline."
  value       = module.pipeline.pipeline_name
}

output "alarm_topic_arn" {
  description = "SNS topic of every CloudWatch alarm (var.alarm_email is subscribed)."
  value       = module.monitoring.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the stack (API, functions, queues, domain events)."
  value       = module.monitoring.dashboard_name
}

output "websocket_urls" {
  description = "Where WebSocket clients connect (wss://<api>.execute-api.<region>.amazonaws.com/<stage>), keyed by manifest name (resources.websockets)."
  value       = module.websocket.websocket_urls
}
