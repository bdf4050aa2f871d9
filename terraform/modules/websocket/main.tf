# WebSocket APIs of functions/manifest.json (resources.websockets): one API per entry, its routes the
# functions whose trigger is "websocket" (Lambda proxy integrations), one auto-deployed stage.
# Authentication is the $connect Lambda's (the Cognito token comes in Sec-WebSocket-Protocol or the
# token query parameter, which a gateway JWT authorizer cannot read; the jwt layer verifies it).

resource "aws_apigatewayv2_api" "this" {
  for_each = var.apis

  name                       = "${var.name_prefix}-${each.key}-ws"
  description                = "Darkroom ${each.key} WebSocket API: routes from functions/manifest.json"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = each.value.route_selection_expression
  tags                       = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = var.apis

  name              = "/aws/apigateway/${var.name_prefix}-${each.key}-ws"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  for_each = var.apis

  api_id      = aws_apigatewayv2_api.this[each.key].id
  name        = var.stage_name
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.this[each.key].arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      ip                 = "$context.identity.sourceIp"
      connectionId       = "$context.connectionId"
      eventType          = "$context.eventType"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
    })
  }

  default_route_settings {
    throttling_burst_limit   = var.throttling_burst_limit
    throttling_rate_limit    = var.throttling_rate_limit
    detailed_metrics_enabled = true
  }

  tags = var.tags
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.routes

  api_id             = aws_apigatewayv2_api.this[each.value.api].id
  description        = "Lambda ${each.value.function_name}"
  integration_type   = "AWS_PROXY"
  integration_method = "POST"
  integration_uri    = each.value.function_invoke_arn
}

resource "aws_apigatewayv2_route" "this" {
  for_each = var.routes

  api_id             = aws_apigatewayv2_api.this[each.value.api].id
  route_key          = each.value.route
  target             = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"
  authorization_type = "NONE"
  # Message routes are two-way: the Lambda's answer (a frame) goes back to the client.
  route_response_selection_expression = contains(["$connect", "$disconnect"], each.value.route) ? null : "$default"
}

resource "aws_apigatewayv2_route_response" "this" {
  for_each = { for name, r in var.routes : name => r if !contains(["$connect", "$disconnect"], r.route) }

  api_id             = aws_apigatewayv2_api.this[each.value.api].id
  route_id           = aws_apigatewayv2_route.this[each.key].id
  route_response_key = "$default"
}

resource "aws_lambda_permission" "this" {
  for_each = var.routes

  statement_id  = "AllowWebSocketApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "apigateway.amazonaws.com"

  # Only this route of this API may invoke the function.
  source_arn = "${aws_apigatewayv2_api.this[each.value.api].execution_arn}/*/${each.value.route}"
}
