variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "apis" {
  description = "WebSocket APIs keyed by manifest name (resources.websockets): how a frame selects its route."
  type = map(object({
    route_selection_expression = string
  }))
}

variable "routes" {
  description = <<-EOT
    WebSocket routes keyed by manifest function name: the API, the route key ($connect, $disconnect,
    $default, or a value of the route selection expression) and the Lambda that serves it.
  EOT
  type = map(object({
    api                 = string
    route               = string
    function_name       = string
    function_invoke_arn = string
  }))

  validation {
    condition     = length(distinct([for r in values(var.routes) : "${r.api} ${r.route}"])) == length(var.routes)
    error_message = "Two functions declare the same WebSocket route."
  }
}

variable "stage_name" {
  description = "Name of the stage every API is deployed to (part of its URL)."
  type        = string
  default     = "live"
}

variable "throttling_burst_limit" {
  description = "Default burst limit (messages) of every route."
  type        = number
  default     = 100
}

variable "throttling_rate_limit" {
  description = "Default steady-state limit (messages per second) of every route."
  type        = number
  default     = 50
}

variable "log_retention_days" {
  description = "Retention of the access log groups, in days."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
