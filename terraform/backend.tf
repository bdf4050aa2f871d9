# State lives in S3 with S3-native locking (no DynamoDB lock table). The bucket, key and region are
# supplied at init so that one configuration serves every environment:
#
#   terraform -chdir=terraform init \
#     -backend-config="bucket=<state bucket>" \
#     -backend-config="key=darkroom/<environment>/terraform.tfstate" \
#     -backend-config="region=<region>"
#
# CodeBuild does the same from TF_STATE_BUCKET, TF_STATE_KEY and AWS_REGION (see buildspec.yml).
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
