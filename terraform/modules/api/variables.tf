variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "routes" {
  description = <<-EOT
    HTTP routes keyed by manifest function name: method and path (the route key is "METHOD /path"),
    whether the route takes the Cognito JWT authorizer, and the Lambda that serves it.
  EOT
  type = map(object({
    method                 = string
    path                   = string
    authorize              = bool
    function_name          = string
    function_invoke_arn    = string
    integration_timeout_ms = optional(number, 30000)
  }))

  validation {
    condition     = alltrue([for r in values(var.routes) : contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], r.method)])
    error_message = "Each route's method must be an HTTP method or ANY."
  }

  validation {
    condition     = alltrue([for r in values(var.routes) : startswith(r.path, "/")])
    error_message = "Each route's path must start with \"/\"."
  }

  validation {
    condition     = length(distinct([for r in values(var.routes) : "${r.method} ${r.path}"])) == length(var.routes)
    error_message = "Two functions declare the same route."
  }
}

variable "default_route" {
  description = <<-EOT
    The Lambda behind the $default route, which receives every request no route matches (and answers
    404/405 in the envelope of the service the path belongs to); null leaves API Gateway's own 404.
  EOT
  type = object({
    function_name       = string
    function_invoke_arn = string
  })
  default = null
}

variable "jwt_issuer" {
  description = "Issuer URL of the Cognito user pool (https://cognito-idp.<region>.amazonaws.com/<pool id>)."
  type        = string
}

variable "jwt_audience" {
  description = "Accepted audiences (app client ids) of the JWT authorizer."
  type        = list(string)
}

variable "cors_allowed_origins" {
  description = "Origins allowed to call the API from a browser."
  type        = list(string)
}

variable "throttling_burst_limit" {
  description = "Default burst limit (requests) of every route."
  type        = number
  default     = 100
}

variable "throttling_rate_limit" {
  description = "Default steady-state limit (requests per second) of every route."
  type        = number
  default     = 50
}

variable "log_retention_days" {
  description = "Retention of the access log group, in days."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
