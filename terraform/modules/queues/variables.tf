variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "queues" {
  description = <<-EOT
    SQS work queues keyed by manifest name. Each gets a dead-letter queue that receives a message
    after `max_receive_count` failed receives. `source` subscribes the queue to S3 events of a bucket
    (a key of `bucket_arns`).
  EOT
  type = map(object({
    visibility_timeout = number
    max_receive_count  = number
    source = optional(object({
      bucket        = string
      events        = list(string)
      filter_prefix = optional(string)
      filter_suffix = optional(string)
    }))
  }))

  validation {
    condition     = alltrue([for q in values(var.queues) : q.visibility_timeout >= 0 && q.visibility_timeout <= 43200])
    error_message = "visibility_timeout must be between 0 and 43200 seconds."
  }
}

variable "bucket_names" {
  description = "S3 bucket names keyed by manifest name (the notification sources)."
  type        = map(string)
}

variable "bucket_arns" {
  description = "S3 bucket ARNs keyed by manifest name (the notification sources)."
  type        = map(string)
}

variable "message_retention_seconds" {
  description = "How long a work queue keeps an unconsumed message."
  type        = number
  default     = 345600
}

variable "dead_letter_retention_seconds" {
  description = "How long a dead-letter queue keeps a message (the maximum, 14 days, leaves time to redrive)."
  type        = number
  default     = 1209600
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
