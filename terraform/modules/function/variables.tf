variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"; function names become <prefix>-<key>."
  type        = string
}

variable "functions" {
  description = <<-EOT
    Lambda functions to deploy, keyed by manifest name. References ('table:x', 'bucket:y', ...) are
    already resolved by the caller: `environment` holds final values, `layer_arns` final ARNs.
    `sqs_trigger` is set for queue consumers; the module adds the consume permissions itself.
    `schedule` is set for scheduled functions: an EventBridge rule with that schedule expression
    (e.g. "rate(5 minutes)") invokes the function, which the module permits.
  EOT
  type = map(object({
    description  = optional(string, "")
    service      = string
    memory       = number
    timeout      = number
    architecture = string
    environment  = map(string)
    layer_arns   = optional(list(string), [])
    sqs_trigger = optional(object({
      queue_arn          = string
      batch_size         = number
      visibility_timeout = number
    }))
    schedule = optional(object({
      expression = string
    }))
  }))

  validation {
    condition     = alltrue([for f in values(var.functions) : contains(["arm64", "x86_64"], f.architecture)])
    error_message = "Each function's architecture must be \"arm64\" or \"x86_64\"."
  }

  validation {
    # EventBridge rate expressions: singular unit exactly for 1 (scripts/manifest.ts RATE_EXPRESSION).
    condition = alltrue([
      for f in values(var.functions) : f.schedule == null ? true : can(regex("^rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)$", f.schedule.expression))
    ])
    error_message = "A schedule must be an EventBridge rate expression such as \"rate(5 minutes)\" (singular unit for 1)."
  }

  validation {
    # A reference the caller could not resolve stays a literal 'kind:name' string; catch it here
    # rather than deploying a function whose configuration points at nothing.
    condition = !anytrue(flatten([
      for f in values(var.functions) : [
        for v in values(f.environment) : can(regex("^(table|bucket|queue|userpool|userpool_client|userpool_domain|var|ses|balancer):", v))
      ]
    ]))
    error_message = "An environment value is an unresolved manifest reference ('kind:name'): add the resource to manifest.json resources or fix the reference."
  }
}

variable "policy_statements" {
  description = <<-EOT
    Least-privilege IAM statements per function (same keys as `functions`), built from the manifest's
    `permissions` with resource references already resolved to ARNs. Logging, X-Ray and SQS consume
    statements are added by the module. Kept apart from `functions` so that a function's code and
    configuration never depend on the resources its policy names (a Cognito trigger's policy names
    the user pool that itself points at the trigger).
  EOT
  type = map(list(object({
    actions   = list(string)
    resources = list(string)
  })))
}

variable "artifacts_dir" {
  description = "Directory holding the build output: functions/<name>.zip for each function."
  type        = string
}

variable "runtime" {
  description = "Lambda runtime identifier of every function."
  type        = string
  default     = "nodejs22.x"
}

variable "log_retention_days" {
  description = "Retention of each function's CloudWatch log group, in days."
  type        = number
  default     = 30
}

variable "log_level" {
  description = "Application log level (Lambda advanced logging controls and Powertools)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (on top of the provider's default tags)."
  type        = map(string)
  default     = {}
}

variable "source_maps" {
  description = "Run the functions with NODE_OPTIONS=--enable-source-maps: stack traces in the logs point at the TypeScript sources, for a few ms (2-6 ms measured) more cold init."
  type        = bool
  default     = true
}
