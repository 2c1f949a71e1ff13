"""pytest-tgstate: test IAM policies against Terraform state workflows on moto."""

from __future__ import annotations

__version__ = "0.1.0"

#: The Terragrunt release whose S3 bootstrap the ``current`` workflow model follows.
TERRAGRUNT_MODEL_VERSION = "1.1.3"

__all__ = ["TERRAGRUNT_MODEL_VERSION", "__version__"]
