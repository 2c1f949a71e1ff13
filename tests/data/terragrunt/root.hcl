# Root configuration for the units in this folder. The generated-backend unit
# includes it with the default shallow merge, so the unit's own remote_state
# block replaces this one.
locals {
  account_id = get_aws_account_id()
}

remote_state {
  backend = "s3"

  config = {
    bucket         = "terragrunt-state-${local.account_id}"
    key            = "${path_relative_to_include()}/terraform.tfstate"
    region         = "us-east-1"
    encrypt        = true
    dynamodb_table = "terragrunt-locks"
  }
}
