resource "aws_apigatewayv2_api" "this" {
  name          = "${var.name_prefix}-api"
  description   = "Darkroom HTTP API: one route per Lambda in functions/manifest.json"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = var.cors_allowed_origins
    allow_methods = ["GET", "POST", "PUT", "DELETE", "OPTIONS"]
    allow_headers = ["authorization", "content-type"]
    max_age       = 3600
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/apigateway/${var.name_prefix}-api"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.this.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      ip                 = "$context.identity.sourceIp"
      httpMethod         = "$context.httpMethod"
      routeKey           = "$context.routeKey"
      path               = "$context.path"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
      authorizerError    = "$context.authorizer.error"
      sub                = "$context.authorizer.claims.sub"
    })
  }

  default_route_settings {
    throttling_burst_limit   = var.throttling_burst_limit
    throttling_rate_limit    = var.throttling_rate_limit
    detailed_metrics_enabled = true
  }

  tags = var.tags
}

resource "aws_apigatewayv2_authorizer" "this" {
  api_id           = aws_apigatewayv2_api.this.id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = var.jwt_audience
  }
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.routes

  api_id                 = aws_apigatewayv2_api.this.id
  description            = "Lambda ${each.value.function_name}"
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = each.value.function_invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = each.value.integration_timeout_ms
}

resource "aws_apigatewayv2_route" "this" {
  for_each = var.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "${each.value.method} ${each.value.path}"
  target             = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"
  authorization_type = each.value.authorize ? "JWT" : "NONE"
  authorizer_id      = each.value.authorize ? aws_apigatewayv2_authorizer.this.id : null
}

resource "aws_lambda_permission" "this" {
  for_each = var.routes

  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "apigateway.amazonaws.com"

  # Only this route of this API may invoke the function (path parameters become wildcards).
  source_arn = "${aws_apigatewayv2_api.this.execution_arn}/*/${each.value.method}${replace(each.value.path, "/\\{[^}]+\\}/", "*")}"
}

# The $default route: requests that match no route above reach this Lambda instead of API Gateway's
# bare {"message":"Not Found"} ("Working with routes for HTTP APIs", API Gateway developer guide).
resource "aws_apigatewayv2_integration" "default" {
  count = var.default_route == null ? 0 : 1

  api_id                 = aws_apigatewayv2_api.this.id
  description            = "Lambda ${var.default_route.function_name} ($default route)"
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = var.default_route.function_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "default" {
  count = var.default_route == null ? 0 : 1

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "$default"
  target             = "integrations/${aws_apigatewayv2_integration.default[0].id}"
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "default" {
  count = var.default_route == null ? 0 : 1

  statement_id  = "AllowHttpApiInvokeDefaultRoute"
  action        = "lambda:InvokeFunction"
  function_name = var.default_route.function_name
  principal     = "apigateway.amazonaws.com"

  # Any stage, method and path of this API: the $default route's requests are exactly those no route matched.
  source_arn = "${aws_apigatewayv2_api.this.execution_arn}/*"
}
