variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "repository_name" {
  description = "Name of the CodeCommit repository that holds the project."
  type        = string
}

variable "branch" {
  description = "Branch whose commits start the pipeline."
  type        = string
  default     = "main"
}

variable "require_manual_approval" {
  description = "Insert a manual approval between the plan and the apply."
  type        = bool
  default     = true
}

variable "state_bucket" {
  description = "S3 bucket of the Terraform state (the same as the backend's bucket)."
  type        = string
}

variable "state_key" {
  description = "Key of the Terraform state object in state_bucket."
  type        = string
}

variable "terraform_version" {
  description = "Terraform CLI version CodeBuild installs."
  type        = string
  default     = "1.11.4"
}

variable "terraform_variables" {
  description = "Values of the root module's variables for the pipeline's plan, passed to CodeBuild as TF_VAR_<name> environment variables (no secrets: use SSM parameters for those)."
  type        = map(string)
  default     = {}
}

variable "secret_parameters" {
  description = "Root module variables read from SSM Parameter Store, as TF_VAR name => parameter name (e.g. google_client_secret => /darkroom/prod/google_client_secret)."
  type        = map(string)
  default     = {}
}

variable "apply_policy_arns" {
  description = "Managed policies of the apply role. Applying creates IAM roles, Lambdas, Cognito, S3, ... so this is necessarily broad; null grants AdministratorAccess to the apply project only."
  type        = list(string)
  default     = null
}

variable "build_image" {
  description = "CodeBuild image (must offer the Node.js 22 runtime)."
  type        = string
  default     = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
}

variable "compute_type" {
  description = "CodeBuild compute type."
  type        = string
  default     = "BUILD_GENERAL1_MEDIUM"
}

variable "log_retention_days" {
  description = "Retention of the CodeBuild log groups, in days."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
