provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

# -------------------------------------------------------------------------------------------------
# The manifest is the single source of truth: every function, route, queue, table, bucket, user
# pool and layer below comes from it. The locals turn its camelCase JSON into the typed shapes the
# modules take, and resolve its 'kind:name' references.
# -------------------------------------------------------------------------------------------------
locals {
  manifest    = jsondecode(file("${path.root}/../functions/manifest.json"))
  name_prefix = "darkroom-${var.environment}"
  dist_dir    = "${path.root}/../dist"

  tags = {
    project     = "darkroom"
    environment = var.environment
    managed-by  = "terraform"
  }

  tables = {
    for name, t in local.manifest.resources.tables : name => {
      hash_key      = t.hashKey
      range_key     = try(t.rangeKey, null)
      ttl_attribute = try(t.ttlAttribute, null)
      indexes = {
        for index_name, i in try(t.indexes, {}) : index_name => {
          hash_key  = i.hashKey
          range_key = try(i.rangeKey, null)
        } if !startswith(index_name, "$")
      }
    }
  }

  buckets = {
    for name, b in local.manifest.resources.buckets : name => {
      expire_days = try(b.expireDays, null)
    }
  }

  # Objects a bucket starts with: every file of its manifest `seed` directory (the datasets
  # service's sample images), keyed "<bucket>/<path>", the key being the path in the directory.
  bucket_seed_objects = merge([
    for name, b in local.manifest.resources.buckets : {
      for file in fileset("${path.root}/../${b.seed}", "**") : "${name}/${file}" => {
        bucket = name
        key    = file
        source = "${path.root}/../${b.seed}/${file}"
      }
    } if can(b.seed)
  ]...)

  queues = {
    for name, q in local.manifest.resources.queues : name => {
      visibility_timeout = q.visibilityTimeout
      max_receive_count  = q.maxReceiveCount
      source = can(q.source) ? {
        bucket        = q.source.bucket
        events        = q.source.events
        filter_prefix = try(q.source.prefix, null)
        filter_suffix = try(q.source.suffix, null)
      } : null
    }
  }

  # WebSocket APIs (the chat's): their routes are the functions with a websocket trigger.
  websockets = {
    for name, w in try(local.manifest.resources.websockets, {}) : name => {
      route_selection_expression = w.routeSelectionExpression
    } if !startswith(name, "$")
  }

  # One user pool; one() fails the plan loudly if the manifest ever lists a second.
  user_pool_name = one(keys(local.manifest.resources.userPools))
  user_pool      = local.manifest.resources.userPools[local.user_pool_name]

  # Layers whose binaries exist for one architecture only. sharp's layer carries linux-x64 builds
  # (DESIGN.md section 1), and so does ffmpeg's (layers/ffmpeg): their functions run on x86_64; every
  # other function runs on arm64.
  x86_only_layers = ["sharp", "ffmpeg"]

  functions = {
    for f in local.manifest.functions : f.name => {
      # POWERTOOLS_SERVICE_NAME: the first segment of the name, e.g. "images" for images-upload.
      service = split("-", f.name)[0]
      memory  = f.memory
      timeout = f.timeout
      type    = f.trigger.type
      method  = upper(try(f.trigger.method, "POST"))
      path    = try(f.trigger.path, null)
      queue   = try(f.trigger.queue, null)
      batch   = try(f.trigger.batchSize, 10)
      event   = try(f.trigger.event, null)
      pool    = try(f.trigger.pool, null)
      rate    = try(f.trigger.rate, null)
      api     = try(f.trigger.api, null)
      route   = try(f.trigger.route, null)
      # Gateway JWT authorizer for auth=required, unless the function also accepts a token in
      # the body (the datasets seed's id_token field), which a gateway authorizer cannot see.
      auth_required = try(f.trigger.auth, "none") == "required"
      authorize     = try(f.trigger.auth, "none") == "required" && !try(f.trigger.bodyToken, false)
      # Calls the pool's API, or reaches the pool otherwise (the hosted UI's token endpoint).
      uses_pool = anytrue(concat(
        [for p in f.permissions : startswith(p.resource, "userpool:")],
        [for v in values(f.env) : startswith(tostring(v), "userpool")],
      ))
      env = { for k, v in f.env : k => tostring(v) }
      layers = distinct(concat(
        try(f.layers, []),
        try(f.trigger.auth, "none") == "required" ? ["jwt"] : [],
      ))
      permissions = [for p in f.permissions : { resource = p.resource, actions = p.actions }]
    }
  }

  http_functions = { for name, f in local.functions : name => f if f.type == "http" }
  # The HTTP API's $default route (trigger http-default): requests that match no route.
  default_route_functions = { for name, f in local.functions : name => f if f.type == "http-default" }
  websocket_functions     = { for name, f in local.functions : name => f if f.type == "websocket" }
  cognito_functions       = { for name, f in local.functions : name => f if f.type == "cognito" }
  # Everything but Cognito triggers; those are deployed apart (see module.cognito_triggers).
  service_functions = { for name, f in local.functions : name => f if f.type != "cognito" }

  # The balancer Lambdas of the datasets service (datasets-balancer-*: the /balancer/... routes and
  # the scheduled idle stop): they get the fleet policy (start/stop only tagged workers) and the tag.
  # Their assignments table is the manifest's table:balancer, granted by their manifest permissions.
  balancer_functions = {
    for name, f in local.service_functions : name => f
    if startswith(name, "datasets-balancer-")
  }

  # Environment added by convention on top of the manifest's own:
  #  - functions that verify tokens (auth=required) or call Cognito get the pool and client ids,
  #    and the former AUTH_TABLE, where the jwt layer checks revoked tokens;
  #    and the identity pool (IDENTITY_POOL_ID: logins answer temporary credentials, datasets key
  #    objects by the caller's identity id);
  #  - balancer functions get the worker tag;
  #  - SQS-triggered functions get their queue's maxReceiveCount.
  extra_env = {
    for name, f in local.service_functions : name => merge(
      f.auth_required || f.uses_pool ? {
        USER_POOL_ID        = "userpool:${local.user_pool_name}"
        USER_POOL_CLIENT_ID = "userpool_client:${local.user_pool_name}"
        IDENTITY_POOL_ID    = module.identity.identity_pool_id
      } : {},
      f.auth_required ? { AUTH_TABLE = "table:auth" } : {},
      contains(keys(local.balancer_functions), name) ? {
        WORKER_TAG_KEY   = module.balancer.worker_tag.key
        WORKER_TAG_VALUE = module.balancer.worker_tag.value
      } : {},
      # The queue's maxReceiveCount, for the runtime's queueHandler attempt (scripts/manifest.ts maxReceiveCountVariable).
      f.type == "sqs" ? {
        "${upper(replace(f.queue, "-", "_"))}_MAX_RECEIVE_COUNT" = tostring(local.queues[f.queue].max_receive_count)
      } : {},
    )
  }

  # 'kind:name' -> the value an environment variable carries. Cognito triggers may only use
  # trigger_env_references: the pool points at the trigger, so the trigger cannot point back.
  trigger_env_references = merge(
    { for name, t in module.storage.table_names : "table:${name}" => t },
    { for name, b in module.storage.bucket_names : "bucket:${name}" => b },
    { for name, q in module.queues.queue_urls : "queue:${name}" => q },
    { "var:mail_from" = var.mail_from },
  )
  env_references = merge(local.trigger_env_references, {
    "var:cursor_secret"                       = coalesce(var.cursor_secret, random_password.cursor_secret.result)
    "userpool:${local.user_pool_name}"        = module.auth.user_pool_id
    "userpool_client:${local.user_pool_name}" = module.auth.client_id
    "userpool_domain:${local.user_pool_name}" = module.auth.oauth_token_url
    }, {
    for name, endpoint in module.websocket.management_endpoints : "websocket:${name}" => endpoint
  })

  # 'kind:name' -> the ARN a permission is granted on.
  arn_references = merge(
    { for name, t in module.storage.table_arns : "table:${name}" => t },
    { for name, b in module.storage.bucket_arns : "bucket:${name}" => b },
    { for name, q in module.queues.queue_arns : "queue:${name}" => q },
    {
      "userpool:${local.user_pool_name}" = module.auth.user_pool_arn
      "ses:identity"                     = module.auth.ses_identity_arn
    },
    { for name, arn in module.websocket.connections_arns : "websocket:${name}" => arn },
  )

  # Manifest permissions -> IAM statements. S3 object actions apply to objects (arn/*), bucket
  # actions to the bucket; DynamoDB Query/Scan also cover the table's indexes.
  policy_statements = {
    for name, f in local.functions : name => flatten([
      for p in concat(
        f.permissions,
        f.auth_required ? [{ resource = "table:auth", actions = ["dynamodb:GetItem"] }] : [],
        ) : [
        for s in [
          {
            actions = [for a in p.actions : a if !(startswith(p.resource, "bucket:") && !can(regex("Object|MultipartUpload", a)))]
            resources = (
              startswith(p.resource, "bucket:") ? ["${local.arn_references[p.resource]}/*"] :
              startswith(p.resource, "table:") && anytrue([for a in p.actions : contains(["dynamodb:Query", "dynamodb:Scan"], a)]) ?
              [local.arn_references[p.resource], "${local.arn_references[p.resource]}/index/*"] :
              [local.arn_references[p.resource]]
            )
          },
          {
            actions   = startswith(p.resource, "bucket:") ? [for a in p.actions : a if !can(regex("Object|MultipartUpload", a))] : []
            resources = [lookup(local.arn_references, p.resource, "")]
          },
        ] : s if length(s.actions) > 0
      ]
    ])
  }

  layer_arns = { for name, l in aws_lambda_layer_version.this : name => l.arn }

  # What every function module instance takes alike for a function; each instance adds its own
  # description and environment (and, for queue consumers, the event source).
  lambda_common = {
    for name, f in local.functions : name => {
      service      = f.service
      memory       = f.memory
      timeout      = f.timeout
      architecture = length(setintersection(f.layers, local.x86_only_layers)) > 0 ? "x86_64" : "arm64"
      layer_arns   = [for l in f.layers : local.layer_arns[l]]
    }
  }
}

resource "aws_lambda_layer_version" "this" {
  for_each = local.manifest.layers

  layer_name               = "${local.name_prefix}-${each.key}"
  description              = try(each.value["$comment"], "Darkroom ${each.key} layer")
  filename                 = "${local.dist_dir}/layers/${each.key}.zip"
  source_code_hash         = filebase64sha256("${local.dist_dir}/layers/${each.key}.zip")
  compatible_runtimes      = ["nodejs22.x"]
  compatible_architectures = contains(local.x86_only_layers, each.key) ? ["x86_64"] : ["arm64", "x86_64"]
}

# The identity pool that turns a user's ID token into temporary credentials for their own prefix of
# the datasets bucket (seed 003's direct SDK uploads).
module "identity" {
  source = "./modules/identity"

  name_prefix             = local.name_prefix
  pool_name               = local.user_pool_name
  user_pool_provider_name = trimprefix(module.auth.issuer_url, "https://")
  user_pool_client_id     = module.auth.client_id
  data_bucket_arn         = module.storage.bucket_arns["datasets"]
}

module "storage" {
  source = "./modules/storage"

  name_prefix          = local.name_prefix
  tables               = local.tables
  buckets              = local.buckets
  seed_objects         = local.bucket_seed_objects
  cors_allowed_origins = var.cors_allowed_origins
  deletion_protection  = var.deletion_protection
}

module "queues" {
  source = "./modules/queues"

  name_prefix  = local.name_prefix
  queues       = local.queues
  bucket_names = module.storage.bucket_names
  bucket_arns  = module.storage.bucket_arns
}

# Cognito triggers are a separate instance of the function module: their configuration depends only
# on storage and queues, so the user pool can point at them without a dependency cycle.
module "cognito_triggers" {
  source = "./modules/function"

  name_prefix        = local.name_prefix
  artifacts_dir      = local.dist_dir
  log_retention_days = var.log_retention_days
  log_level          = var.log_level
  source_maps        = var.source_maps

  functions = {
    for name, f in local.cognito_functions : name => merge(local.lambda_common[name], {
      description = "Cognito ${f.event} trigger of the ${f.pool} pool"
      environment = { for k, v in f.env : k => lookup(local.trigger_env_references, v, v) }
    })
  }

  policy_statements = { for name in keys(local.cognito_functions) : name => local.policy_statements[name] }
}

module "auth" {
  source = "./modules/auth"

  name_prefix              = local.name_prefix
  pool_name                = local.user_pool_name
  username_attributes      = local.user_pool.usernameAttributes
  auto_verified_attributes = local.user_pool.autoVerifiedAttributes
  deletion_protection      = var.deletion_protection
  domain_prefix            = "${local.name_prefix}-${local.user_pool_name}-${data.aws_caller_identity.current.account_id}"
  callback_urls            = var.oauth_callback_urls
  logout_urls              = var.oauth_logout_urls
  google_client_id         = var.google_client_id
  google_client_secret     = var.google_client_secret
  mail_from                = var.mail_from
  cognito_email_via_ses    = var.cognito_email_via_ses

  password_policy = {
    minimum_length    = local.user_pool.passwordPolicy.minimumLength
    require_lowercase = local.user_pool.passwordPolicy.requireLowercase
    require_uppercase = local.user_pool.passwordPolicy.requireUppercase
    require_numbers   = local.user_pool.passwordPolicy.requireNumbers
    require_symbols   = local.user_pool.passwordPolicy.requireSymbols
  }

  lambda_triggers = {
    for name, f in local.cognito_functions : f.event => {
      function_name = module.cognito_triggers.function_names[name]
      function_arn  = module.cognito_triggers.function_arns[name]
    } if f.pool == local.user_pool_name
  }
}

module "functions" {
  source = "./modules/function"

  name_prefix        = local.name_prefix
  artifacts_dir      = local.dist_dir
  log_retention_days = var.log_retention_days
  log_level          = var.log_level
  source_maps        = var.source_maps

  functions = {
    for name, f in local.service_functions : name => merge(local.lambda_common[name], {
      description = (
        f.type == "http" ? "${f.method} ${f.path}" :
        f.type == "http-default" ? "The API's $default route: requests no route matches" :
        f.type == "schedule" ? "Runs at ${f.rate}" :
        f.type == "websocket" ? "WebSocket route ${f.route} of the ${f.api} API" : "Consumer of the ${f.queue} queue"
      )
      environment = { for k, v in merge(f.env, local.extra_env[name]) : k => lookup(local.env_references, v, v) }
      sqs_trigger = f.type == "sqs" ? {
        queue_arn          = module.queues.queue_arns[f.queue]
        batch_size         = f.batch
        visibility_timeout = local.queues[f.queue].visibility_timeout
      } : null
      schedule = f.type == "schedule" ? { expression = f.rate } : null
    })
  }

  policy_statements = { for name in keys(local.service_functions) : name => local.policy_statements[name] }
}

module "api" {
  source = "./modules/api"

  name_prefix            = local.name_prefix
  jwt_issuer             = module.auth.issuer_url
  jwt_audience           = [module.auth.client_id]
  cors_allowed_origins   = var.cors_allowed_origins
  throttling_burst_limit = var.api_throttling_burst_limit
  throttling_rate_limit  = var.api_throttling_rate_limit
  log_retention_days     = var.log_retention_days

  routes = {
    for name, f in local.http_functions : name => {
      method              = f.method
      path                = f.path
      authorize           = f.authorize
      function_name       = module.functions.function_names[name]
      function_invoke_arn = module.functions.invoke_arns[name]
    }
  }
  default_route = one([
    for name in keys(local.default_route_functions) : {
      function_name       = module.functions.function_names[name]
      function_invoke_arn = module.functions.invoke_arns[name]
    }
  ])
}

# WebSocket APIs from the manifest (resources.websockets and the websocket triggers). The functions'
# environment and policies take the management endpoints and @connections ARNs, which depend on the
# API and stage only, while the routes take the functions: no cycle.
module "websocket" {
  source = "./modules/websocket"

  name_prefix            = local.name_prefix
  apis                   = local.websockets
  throttling_burst_limit = var.api_throttling_burst_limit
  throttling_rate_limit  = var.api_throttling_rate_limit
  log_retention_days     = var.log_retention_days

  routes = {
    for name, f in local.websocket_functions : name => {
      api                 = f.api
      route               = f.route
      function_name       = module.functions.function_names[name]
      function_invoke_arn = module.functions.invoke_arns[name]
    }
  }
}

module "balancer" {
  source = "./modules/balancer"

  name_prefix         = local.name_prefix
  instance_count      = var.worker_instance_count
  instance_type       = var.worker_instance_type
  ami_id              = var.worker_ami_id
  subnet_ids          = var.worker_subnet_ids
  function_role_names = { for name in keys(local.balancer_functions) : name => module.functions.role_names[name] }
}

module "pipeline" {
  source = "./modules/pipeline"

  name_prefix             = local.name_prefix
  repository_name         = var.pipeline_repository_name
  branch                  = var.pipeline_branch
  require_manual_approval = var.pipeline_require_approval
  apply_policy_arns       = var.pipeline_apply_policy_arns
  secret_parameters       = var.pipeline_secret_parameters
  state_bucket            = var.state_bucket
  state_key               = var.state_key
  terraform_version       = var.terraform_version

  # The pipeline's plan must see the same (non-secret) inputs as a local plan.
  terraform_variables = {
    region                    = var.region
    environment               = var.environment
    mail_from                 = var.mail_from
    alarm_email               = var.alarm_email
    cognito_email_via_ses     = tostring(var.cognito_email_via_ses)
    oauth_callback_urls       = jsonencode(var.oauth_callback_urls)
    oauth_logout_urls         = jsonencode(var.oauth_logout_urls)
    cors_allowed_origins      = jsonencode(var.cors_allowed_origins)
    deletion_protection       = tostring(var.deletion_protection)
    worker_instance_count     = tostring(var.worker_instance_count)
    pipeline_repository_name  = var.pipeline_repository_name
    pipeline_branch           = var.pipeline_branch
    pipeline_require_approval = tostring(var.pipeline_require_approval)
    state_bucket              = var.state_bucket
    state_key                 = var.state_key
  }
}

# Alarms (to an SNS topic with var.alarm_email subscribed) and the operations dashboard, for every
# function, queue and DLQ the manifest deploys.
module "monitoring" {
  source = "./modules/monitoring"

  name_prefix          = local.name_prefix
  alarm_email          = var.alarm_email
  api_id               = module.api.api_id
  api_5xx_rate_percent = var.api_5xx_rate_alarm_percent
  api_p99_latency_ms   = var.api_p99_latency_alarm_ms

  function_names = merge(module.functions.function_names, module.cognito_triggers.function_names)

  queues = {
    for name, q in local.queues : name => {
      name                    = module.queues.queue_names[name]
      oldest_message_age_secs = max(var.queue_age_alarm_seconds, q.visibility_timeout + 300)
    }
  }

  dead_letter_queue_names = module.queues.dead_letter_queue_names
}

# The key list cursors are signed with, unless var.cursor_secret gives one: random once, then kept in the state.
resource "random_password" "cursor_secret" {
  length  = 48
  special = false
}
