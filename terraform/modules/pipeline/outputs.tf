output "repository_clone_url_http" {
  description = "HTTPS clone URL of the CodeCommit repository."
  value       = aws_codecommit_repository.this.clone_url_http
}

output "pipeline_name" {
  description = "Name of the CodePipeline."
  value       = aws_codepipeline.this.name
}

output "artifacts_bucket" {
  description = "S3 bucket of the pipeline's artifacts (including each run's tfplan)."
  value       = aws_s3_bucket.artifacts.bucket
}

output "codebuild_project_names" {
  description = "CodeBuild project names (plan, apply)."
  value       = { for key, p in aws_codebuild_project.this : key => p.name }
}
