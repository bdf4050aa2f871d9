variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (AWS sends a confirmation mail first); empty for none."
  type        = string
  default     = ""
}

variable "function_names" {
  description = "Every deployed Lambda function name, keyed by manifest name: each gets an errors and a throttles alarm."
  type        = map(string)
}

variable "queues" {
  description = "Work queues, keyed by manifest name: the SQS queue name and the age (seconds) of its oldest message that raises the alarm."
  type = map(object({
    name                    = string
    oldest_message_age_secs = number
  }))
}

variable "dead_letter_queue_names" {
  description = "Dead-letter queue names, keyed by manifest name of their work queue: any visible message raises an alarm."
  type        = map(string)
}

variable "api_id" {
  description = "Id of the HTTP API (its 5xx rate and p99 latency are alarmed)."
  type        = string
}

variable "api_stage" {
  description = "Stage of the HTTP API whose metrics are watched."
  type        = string
  default     = "$default"
}

variable "api_5xx_rate_percent" {
  description = "Share of API requests answered 5xx, in percent over 5 minutes, that raises the alarm (two periods in a row)."
  type        = number
  default     = 5
}

variable "api_p99_latency_ms" {
  description = "p99 of the API's latency, in milliseconds over 5 minutes, that raises the alarm (two of three periods)."
  type        = number
  default     = 5000
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' Powertools metrics (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
  default     = "Darkroom"
}

variable "tags" {
  description = "Tags added to every resource of the module (on top of the provider's default tags)."
  type        = map(string)
  default     = {}
}
