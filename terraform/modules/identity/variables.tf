variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "pool_name" {
  description = "Manifest name of the user pool whose users the identity pool serves (the key under resources.userPools)."
  type        = string
}

variable "user_pool_provider_name" {
  description = "The user pool as an identity provider: cognito-idp.<region>.amazonaws.com/<user pool id> (the pool's endpoint)."
  type        = string
}

variable "user_pool_client_id" {
  description = "Id of the user pool app client whose ID tokens the identity pool accepts."
  type        = string
}

variable "data_bucket_arn" {
  description = "ARN of the bucket whose <identity id>/ prefixes the authenticated role may use (the datasets bucket)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
