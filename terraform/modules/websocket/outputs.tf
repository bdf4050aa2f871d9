output "api_ids" {
  description = "Ids of the WebSocket APIs, keyed by manifest name."
  value       = { for name, a in aws_apigatewayv2_api.this : name => a.id }
}

output "websocket_urls" {
  description = "Where clients connect (wss://<api>.execute-api.<region>.amazonaws.com/<stage>), keyed by manifest name."
  value       = { for name, s in aws_apigatewayv2_stage.this : name => s.invoke_url }
}

output "management_endpoints" {
  description = "The @connections management endpoints (https://<api>.execute-api.<region>.amazonaws.com/<stage>), keyed by manifest name."
  value       = { for name, s in aws_apigatewayv2_stage.this : name => replace(s.invoke_url, "wss://", "https://") }
}

output "connections_arns" {
  description = "ARNs execute-api:ManageConnections is granted on: every connection of the API's stage, keyed by manifest name."
  value       = { for name, a in aws_apigatewayv2_api.this : name => "${a.execution_arn}/${var.stage_name}/*/@connections/*" }
}
