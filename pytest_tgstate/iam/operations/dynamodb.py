"""DynamoDB operations and the IAM actions they need.

Every table-level action is checked against the table's ARN in the request's
region and the caller's account. Batch and transaction calls are checked per
table they touch.
"""

from __future__ import annotations

from typing import Any

from ..arn import table_arn
from .model import Operation, Requirement, Resolver, Rule

#: Operations checked as ``dynamodb:<Operation>`` on the table named by TableName.
_TABLE_OPERATIONS = (
    "DescribeTable",
    "DeleteTable",
    "UpdateTable",
    "PutItem",
    "GetItem",
    "DeleteItem",
    "UpdateItem",
    "Query",
    "Scan",
    "DescribeTimeToLive",
    "UpdateTimeToLive",
    "DescribeContinuousBackups",
    "UpdateContinuousBackups",
    "CreateBackup",
    "DescribeKinesisStreamingDestination",
    "DescribeTableReplicaAutoScaling",
    "DescribeContributorInsights",
)

#: Operations that name no resource.
_ACCOUNT_OPERATIONS = (
    "ListTables",
    "DescribeLimits",
    "DescribeEndpoints",
    "ListBackups",
    "ListGlobalTables",
)

_TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}


def _table(operation: Operation, resolver: Resolver, name: Any) -> str:
    text = str(name or "")
    if text.startswith("arn:"):
        return text  # DynamoDB accepts a table ARN wherever it takes a name
    return table_arn(operation.region, resolver.account, text, resolver.partition)


def _table_rule(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        resource = _table(operation, resolver, operation.params.get("TableName"))
        index = operation.params.get("IndexName")
        if index:
            # Query and Scan on a secondary index are authorised on the index.
            resource = f"{resource}/index/{index}"
        return [Requirement(action, resource)]

    return rule


def _account_rule(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        return [Requirement(action, "*")]

    return rule


def _tag_list(raw: Any) -> list[tuple[str, str]]:
    tags = []
    for tag in raw or []:
        if isinstance(tag, dict) and "Key" in tag:
            tags.append((str(tag["Key"]), str(tag.get("Value", ""))))
    return tags


def _tag_context(tags: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    context: dict[str, tuple[str, ...]] = {"aws:tagkeys": tuple(key for key, _ in tags)}
    for key, value in tags:
        context[f"aws:requesttag/{key.lower()}"] = (value,)
    return context


def _create_table(operation: Operation, resolver: Resolver) -> list[Requirement]:
    resource = _table(operation, resolver, operation.params.get("TableName"))
    tags = _tag_list(operation.params.get("Tags"))
    context = _tag_context(tags) if tags else {}
    requirements = [Requirement("dynamodb:CreateTable", resource, context)]
    if tags:
        requirements.append(
            Requirement(
                "dynamodb:TagResource",
                resource,
                context,
                reason="CreateTable sets tags",
            )
        )
    return requirements


def _tag_resource(operation: Operation, resolver: Resolver) -> list[Requirement]:
    resource = str(operation.params.get("ResourceArn", "*"))
    tags = _tag_list(operation.params.get("Tags"))
    return [Requirement("dynamodb:TagResource", resource, _tag_context(tags))]


def _untag_resource(operation: Operation, resolver: Resolver) -> list[Requirement]:
    resource = str(operation.params.get("ResourceArn", "*"))
    keys = tuple(str(key) for key in operation.params.get("TagKeys") or [])
    return [Requirement("dynamodb:UntagResource", resource, {"aws:tagkeys": keys})]


def _list_tags(operation: Operation, resolver: Resolver) -> list[Requirement]:
    return [
        Requirement(
            "dynamodb:ListTagsOfResource", str(operation.params.get("ResourceArn", "*"))
        )
    ]


def _batch(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        tables = operation.params.get("RequestItems") or {}
        return [
            Requirement(action, _table(operation, resolver, name)) for name in tables
        ] or [Requirement(action, "*")]

    return rule


def _transact(operation: Operation, resolver: Resolver) -> list[Requirement]:
    requirements = []
    for item in operation.params.get("TransactItems") or []:
        for kind, body in (item or {}).items():
            action = _TRANSACT_ACTIONS.get(kind)
            if action is None or not isinstance(body, dict):
                continue
            requirement = Requirement(
                action, _table(operation, resolver, body.get("TableName"))
            )
            if requirement not in requirements:
                requirements.append(requirement)
    return requirements or [Requirement(f"dynamodb:{operation.name}", "*")]


DYNAMODB_RULES: dict[str, Rule] = {
    name: _table_rule(f"dynamodb:{name}") for name in _TABLE_OPERATIONS
}
DYNAMODB_RULES.update(
    {name: _account_rule(f"dynamodb:{name}") for name in _ACCOUNT_OPERATIONS}
)
DYNAMODB_RULES.update(
    {
        "CreateTable": _create_table,
        "TagResource": _tag_resource,
        "UntagResource": _untag_resource,
        "ListTagsOfResource": _list_tags,
        "BatchGetItem": _batch("dynamodb:BatchGetItem"),
        "BatchWriteItem": _batch("dynamodb:BatchWriteItem"),
        "TransactWriteItems": _transact,
        "TransactGetItems": _transact,
    }
)
