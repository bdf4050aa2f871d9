variable "name_prefix" {
  description = "Prefix of every name this module creates, e.g. \"darkroom-prod\"."
  type        = string
}

variable "tables" {
  description = "DynamoDB tables keyed by manifest name: key attribute names (strings), the optional TTL attribute, and global secondary indexes by index name (string keys, projection ALL)."
  type = map(object({
    hash_key      = string
    range_key     = optional(string)
    ttl_attribute = optional(string)
    indexes = optional(map(object({
      hash_key  = string
      range_key = optional(string)
    })), {})
  }))
}

variable "buckets" {
  description = "S3 buckets keyed by manifest name; `expire_days` deletes objects that many days after creation."
  type = map(object({
    expire_days = optional(number)
  }))
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to PUT/POST (presigned uploads) and GET (presigned downloads) on the buckets."
  type        = list(string)
}

variable "abort_incomplete_multipart_days" {
  description = "Days after which incomplete multipart uploads (exports, large uploads) are aborted."
  type        = number
  default     = 1
}

variable "deletion_protection" {
  description = "Protect tables from deletion and keep non-empty buckets on destroy."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
