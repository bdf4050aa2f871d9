variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "instance_count" {
  description = "Number of worker instances to run (0: the fleet exists only as a launch template)."
  type        = number
  default     = 0

  validation {
    condition     = var.instance_count >= 0 && floor(var.instance_count) == var.instance_count
    error_message = "instance_count must be a non-negative whole number."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the workers (its architecture must match the AMI)."
  type        = string
  default     = "t3.medium"
}

variable "ami_id" {
  description = "AMI of the workers; null uses the latest Amazon Linux 2023 AMI for ami_architecture."
  type        = string
  default     = null
}

variable "ami_architecture" {
  description = "Architecture of the default Amazon Linux 2023 AMI (x86_64 or arm64); ignored when ami_id is set."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.ami_architecture)
    error_message = "ami_architecture must be x86_64 or arm64."
  }
}

variable "subnet_ids" {
  description = "Subnets the workers are spread over; empty uses the default VPC's default subnet."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups of the workers; empty uses the VPC's default group."
  type        = list(string)
  default     = []
}

variable "root_volume_size" {
  description = "Size of each worker's encrypted root volume, in GiB."
  type        = number
  default     = 30
}

variable "user_data" {
  description = "Cloud-init user data of the workers (plain text; the module base64-encodes it)."
  type        = string
  default     = null
}

variable "function_role_names" {
  description = "Execution role names of the balancer Lambdas, keyed by manifest function name; each gets the balancer policy."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
