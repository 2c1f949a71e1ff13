"""The rule for operations outside the table: an action named after the operation."""

from __future__ import annotations

from functools import lru_cache

import botocore.exceptions
import botocore.session

from ..arn import bucket_arn, object_arn, table_arn
from .model import Operation, Requirement, Resolver, UnknownOperationError


@lru_cache(maxsize=64)
def _action_prefix(service: str) -> str:
    session = botocore.session.get_session()
    try:
        model = session.get_service_model(service)
    except botocore.exceptions.UnknownServiceError:
        raise UnknownOperationError(
            f"service {service!r} is unknown to botocore, so its operation "
            "cannot be mapped to an IAM action"
        ) from None
    return str(model.signing_name or model.endpoint_prefix)


def derived_requirements(operation: Operation, resolver: Resolver) -> list[Requirement]:
    prefix = _action_prefix(operation.service)
    resource = "*"
    if operation.service == "s3" and operation.bucket:
        if operation.key:
            resource = object_arn(operation.bucket, operation.key, resolver.partition)
        else:
            resource = bucket_arn(operation.bucket, resolver.partition)
    elif operation.service == "dynamodb" and operation.params.get("TableName"):
        name = str(operation.params["TableName"])
        # DynamoDB accepts a table ARN wherever it takes a table name.
        resource = (
            name
            if name.startswith("arn:")
            else table_arn(operation.region, resolver.account, name, resolver.partition)
        )
    return [
        Requirement(
            action=f"{prefix}:{operation.name}",
            resource=resource,
            reason="operation not in the table; action named after the operation",
            derived=True,
        )
    ]
