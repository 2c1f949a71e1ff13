"""The operation table: which IAM actions and resources each AWS call needs.

Action names follow the AWS Service Authorization Reference, not the API
operation names: HeadBucket needs ``s3:ListBucket`` and GetBucketEncryption
needs ``s3:GetEncryptionConfiguration``. Secondary actions that depend on the
request (an ownership header on CreateBucket, tags on CreateTable, a canned
ACL on PutObject, ...) are added per request.

An operation missing from the table is never let through unchecked: it is
checked against an action named after the operation (``<prefix>:<Operation>``,
the prefix being the service's signing name in botocore's model) on the
bucket, object or table the request names, or on ``*``. That guess is right
for most AWS APIs; requirements made this way carry ``derived=True`` so a
journal shows them.
"""

from __future__ import annotations

from .dynamodb import DYNAMODB_RULES
from .generic import derived_requirements
from .iam_service import IAM_RULES
from .model import Operation, Requirement, Resolver, Rule, UnknownOperationError
from .s3 import OWNER_ONLY_OPERATIONS, S3_RULES
from .sts import STS_RULES

RULES: dict[str, dict[str, Rule]] = {
    "s3": S3_RULES,
    "dynamodb": DYNAMODB_RULES,
    "sts": STS_RULES,
    "iam": IAM_RULES,
}


def is_known(service: str, name: str) -> bool:
    """Return whether the table has an explicit rule for the operation."""
    return name in RULES.get(service, {})


def requirements_for(operation: Operation, resolver: Resolver) -> list[Requirement]:
    """Return the IAM actions and resources ``operation`` needs, in check order."""
    rule = RULES.get(operation.service, {}).get(operation.name)
    if rule is None:
        return derived_requirements(operation, resolver)
    return rule(operation, resolver)


__all__ = [
    "OWNER_ONLY_OPERATIONS",
    "RULES",
    "Operation",
    "Requirement",
    "Resolver",
    "UnknownOperationError",
    "is_known",
    "requirements_for",
]
