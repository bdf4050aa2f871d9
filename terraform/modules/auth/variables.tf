variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "pool_name" {
  description = "Manifest name of the user pool (the key under resources.userPools)."
  type        = string
}

variable "password_policy" {
  description = "Password policy of the user pool, from the manifest."
  type = object({
    minimum_length    = number
    require_lowercase = bool
    require_uppercase = bool
    require_numbers   = bool
    require_symbols   = bool
  })
}

variable "username_attributes" {
  description = "Attributes users may sign in with instead of a username (empty: a free-form username)."
  type        = list(string)
  default     = []
}

variable "auto_verified_attributes" {
  description = "Attributes Cognito verifies by sending a code (email)."
  type        = list(string)
  default     = ["email"]
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool while true."
  type        = bool
  default     = true
}

variable "domain_prefix" {
  description = "Prefix of the Cognito hosted UI domain (<prefix>.auth.<region>.amazoncognito.com); must be unique in the region."
  type        = string
}

variable "callback_urls" {
  description = "OAuth redirect URLs allowed for the hosted UI code flow."
  type        = list(string)
}

variable "logout_urls" {
  description = "URLs the hosted UI may redirect to after sign-out."
  type        = list(string)
}

variable "google_client_id" {
  description = "OAuth client id of the Google identity provider; Google sign-in is configured only when this and the secret are set."
  type        = string
  default     = null
  sensitive   = true
}

variable "google_client_secret" {
  description = "OAuth client secret of the Google identity provider."
  type        = string
  default     = null
  sensitive   = true
}

variable "lambda_triggers" {
  description = "Cognito Lambda triggers keyed by trigger event as the manifest names it (PreSignUp, PostConfirmation, ...)."
  type = map(object({
    function_name = string
    function_arn  = string
  }))
  default = {}

  validation {
    condition = alltrue([
      for event in keys(var.lambda_triggers) :
      contains(["PreSignUp", "PostConfirmation", "PreAuthentication", "PostAuthentication", "CustomMessage", "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse", "UserMigration"], event)
    ])
    error_message = "Unsupported Cognito trigger event."
  }
}

variable "mail_from" {
  description = "Sender address of the application's mail; an SES email identity is created for it."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.mail_from))
    error_message = "mail_from must be an email address."
  }
}

variable "cognito_email_via_ses" {
  description = "Send Cognito's own mail (codes) through SES from mail_from. Enable only once the SES identity is verified (and out of the sandbox); until then Cognito's default sender is used."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
