"""Read-only views of a bucket and a lock table, for assertions in tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError


@dataclass(frozen=True)
class BucketView:
    """The current state of a bucket, read without going through the gateway.

    ``exists`` is False for a missing bucket, and every other field is then
    empty. ``encryption`` is the default algorithm (``AES256``, ``aws:kms``)
    or None; ``policy_sids`` lists the bucket policy's Sids in order.
    """

    name: str
    exists: bool
    owner: str | None = None
    versioning: str | None = None
    encryption: str | None = None
    bucket_key: bool = False
    kms_key_id: str | None = None
    policy: dict[str, Any] | None = None
    public_access_block: dict[str, bool] = field(default_factory=dict)
    ownership: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    logging_target: str | None = None
    keys: tuple[str, ...] = ()

    @property
    def policy_sids(self) -> list[str]:
        if not self.policy:
            return []
        statements = self.policy.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        return [str(statement.get("Sid", "")) for statement in statements]

    @property
    def blocks_public_access(self) -> bool:
        return len(self.public_access_block) == 4 and all(
            self.public_access_block.values()
        )


@dataclass(frozen=True)
class TableView:
    """The current state of a lock table, read without going through the gateway."""

    name: str
    exists: bool
    hash_key: str | None = None
    billing_mode: str | None = None
    status: str | None = None
    sse_status: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    items: tuple[dict[str, Any], ...] = ()


def _optional(call: Any, *codes: str) -> Any:
    try:
        return call()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in codes:
            return None
        raise


def read_bucket(s3: Any, name: str, owner: str | None) -> BucketView:
    """Read ``name`` with an admin S3 client acting in the owner's account."""
    if owner is None:
        return BucketView(name=name, exists=False)
    versioning = s3.get_bucket_versioning(Bucket=name).get("Status")
    encryption = _optional(
        lambda: s3.get_bucket_encryption(Bucket=name),
        "ServerSideEncryptionConfigurationNotFoundError",
    )
    algorithm = kms_key = None
    bucket_key = False
    if encryption:
        rule = encryption["ServerSideEncryptionConfiguration"]["Rules"][0]
        default = rule.get("ApplyServerSideEncryptionByDefault", {})
        algorithm = default.get("SSEAlgorithm")
        kms_key = default.get("KMSMasterKeyID")
        bucket_key = bool(rule.get("BucketKeyEnabled", False))
    policy = _optional(lambda: s3.get_bucket_policy(Bucket=name), "NoSuchBucketPolicy")
    block = _optional(
        lambda: s3.get_public_access_block(Bucket=name),
        "NoSuchPublicAccessBlockConfiguration",
    )
    ownership = _optional(
        lambda: s3.get_bucket_ownership_controls(Bucket=name),
        "OwnershipControlsNotFoundError",
    )
    tags = _optional(lambda: s3.get_bucket_tagging(Bucket=name), "NoSuchTagSet")
    logging = s3.get_bucket_logging(Bucket=name).get("LoggingEnabled")
    listing = s3.list_objects_v2(Bucket=name)
    return BucketView(
        name=name,
        exists=True,
        owner=owner,
        versioning=versioning,
        encryption=algorithm,
        bucket_key=bucket_key,
        kms_key_id=kms_key,
        policy=json.loads(policy["Policy"]) if policy else None,
        public_access_block=dict(block["PublicAccessBlockConfiguration"])
        if block
        else {},
        ownership=ownership["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
        if ownership
        else None,
        tags={tag["Key"]: tag["Value"] for tag in tags["TagSet"]} if tags else {},
        logging_target=logging["TargetBucket"] if logging else None,
        keys=tuple(item["Key"] for item in listing.get("Contents", [])),
    )


def read_table(dynamodb: Any, name: str) -> TableView:
    """Read the table ``name`` with an admin DynamoDB client."""
    described = _optional(
        lambda: dynamodb.describe_table(TableName=name), "ResourceNotFoundException"
    )
    if described is None:
        return TableView(name=name, exists=False)
    table = described["Table"]
    hash_key = next(
        (
            key["AttributeName"]
            for key in table.get("KeySchema", [])
            if key["KeyType"] == "HASH"
        ),
        None,
    )
    tags = dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"]).get("Tags", [])
    items = dynamodb.scan(TableName=name).get("Items", [])
    return TableView(
        name=name,
        exists=True,
        hash_key=hash_key,
        billing_mode=table.get("BillingModeSummary", {}).get("BillingMode"),
        status=table.get("TableStatus"),
        sse_status=table.get("SSEDescription", {}).get("Status"),
        tags={tag["Key"]: tag["Value"] for tag in tags},
        items=tuple(items),
    )
