variable "region" {
  description = "AWS region of the stack."
  type        = string
}

variable "environment" {
  description = "Environment name (prod, staging, dev, ...); names become darkroom-<environment>-<resource>."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter (it goes into bucket and domain names)."
  }
}

variable "mail_from" {
  description = "Sender address of the application's mail (SES email identity; MAIL_FROM of the functions)."
  type        = string
}

variable "cursor_secret" {
  description = "Key the list cursors are signed with (HMAC-SHA256; CURSOR_SECRET of the functions). Leave null for a random one Terraform keeps in its state; changing it invalidates the cursors handed out."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.cursor_secret == null || length(coalesce(var.cursor_secret, "x")) >= 32
    error_message = "cursor_secret must be at least 32 characters."
  }
}

variable "cognito_email_via_ses" {
  description = "Send Cognito's verification mail through SES from mail_from (enable once the identity is verified)."
  type        = bool
  default     = false
}

variable "google_client_id" {
  description = "Google OAuth client id for 'Sign in with Google'; leave null to disable Google sign-in."
  type        = string
  default     = null
  sensitive   = true
}

variable "google_client_secret" {
  description = "Google OAuth client secret; leave null to disable Google sign-in."
  type        = string
  default     = null
  sensitive   = true
}

variable "oauth_callback_urls" {
  description = "Redirect URLs of the hosted UI's OAuth code flow."
  type        = list(string)
  default     = ["http://localhost:3000/auth/callback"]
}

variable "oauth_logout_urls" {
  description = "Sign-out redirect URLs of the hosted UI."
  type        = list(string)
  default     = ["http://localhost:3000/"]
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to call the API and to use presigned S3 URLs."
  type        = list(string)
  default     = ["http://localhost:3000"]
}

variable "deletion_protection" {
  description = "Protect the user pool and tables from deletion and keep non-empty buckets on destroy."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of Lambda and API access logs, in days."
  type        = number
  default     = 30
}

variable "log_level" {
  description = "Application log level of the functions."
  type        = string
  default     = "INFO"
}

variable "api_throttling_burst_limit" {
  description = "Default burst limit of every API route."
  type        = number
  default     = 100
}

variable "api_throttling_rate_limit" {
  description = "Default steady-state request rate (per second) of every API route."
  type        = number
  default     = 50
}

variable "worker_instance_count" {
  description = "Number of balancer worker instances Terraform runs."
  type        = number
  default     = 0
}

variable "worker_instance_type" {
  description = "EC2 instance type of the balancer workers."
  type        = string
  default     = "t3.medium"
}

variable "worker_ami_id" {
  description = "AMI of the balancer workers; null uses the latest Amazon Linux 2023."
  type        = string
  default     = null
}

variable "worker_subnet_ids" {
  description = "Subnets of the balancer workers; empty uses the default VPC."
  type        = list(string)
  default     = []
}

variable "pipeline_repository_name" {
  description = "Name of the CodeCommit repository of the delivery pipeline."
  type        = string
  default     = "darkroom"
}

variable "pipeline_branch" {
  description = "Branch the pipeline deploys."
  type        = string
  default     = "main"
}

variable "pipeline_require_approval" {
  description = "Require a manual approval between plan and apply."
  type        = bool
  default     = true
}

variable "pipeline_apply_policy_arns" {
  description = "Managed policies of the pipeline's apply role; null grants AdministratorAccess to that role only."
  type        = list(string)
  default     = null
}

variable "pipeline_secret_parameters" {
  description = "Root variables the pipeline reads from SSM Parameter Store: variable name => parameter name."
  type        = map(string)
  default     = {}
}

variable "state_bucket" {
  description = "S3 bucket of the Terraform state (the value given to init's -backend-config=bucket=...), for the pipeline's roles."
  type        = string
}

variable "state_key" {
  description = "Key of the Terraform state (the value given to init's -backend-config=key=...)."
  type        = string
}

variable "terraform_version" {
  description = "Terraform version the pipeline installs."
  type        = string
  default     = "1.11.4"
}

variable "alarm_email" {
  description = "E-mail address that receives the CloudWatch alarms (via SNS; AWS mails a confirmation link first). Empty: alarms go to the topic only."
  type        = string
  default     = ""
}

variable "api_5xx_rate_alarm_percent" {
  description = "Share of API requests answered 5xx (percent, over 5 minutes, twice in a row) that raises an alarm."
  type        = number
  default     = 5
}

variable "api_p99_latency_alarm_ms" {
  description = "p99 API latency in milliseconds (over 5 minutes, two of three periods) that raises an alarm."
  type        = number
  default     = 5000
}

variable "queue_age_alarm_seconds" {
  description = "Age in seconds of a work queue's oldest message that raises an alarm; at least the queue's visibility timeout plus 5 minutes, so a retry in progress does not."
  type        = number
  default     = 900
}

variable "source_maps" {
  description = "Stack traces in the functions' logs mapped to the TypeScript sources (NODE_OPTIONS=--enable-source-maps), for a few ms (2-6 ms measured) more cold init per function; false saves those."
  type        = bool
  default     = true
}
