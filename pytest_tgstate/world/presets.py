"""Named starting states for the Terraform state bucket and the lock table.

Bucket states:

- ``missing``: no bucket.
- ``bare``: exists as a bucket created today on AWS is: default SSE-S3
  (AES256) encryption, no versioning, no bucket policy.
- ``bootstrapped``: as Terragrunt leaves it: versioning enabled, SSE
  ``aws:kms`` with a bucket key, the ``EnforcedTLS`` and ``RootAccess`` policy
  statements, a public access block and ``ObjectWriter`` ownership.
- ``foreign``: owned by the world's second account, versioned, with a bucket
  policy granting the first account listing and object read, write and
  delete.

Table states: ``missing``, ``present`` (hash key ``LockID``, on-demand
billing) and ``wrong-key`` (hash key ``id``; Terragrunt does not check the
key schema of an existing table, Terraform's lock writes then fail).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from . import moto_internals

if TYPE_CHECKING:
    from .world import World

BucketState = Literal["missing", "bare", "bootstrapped", "foreign"]
TableState = Literal["missing", "present", "wrong-key"]
BUCKET_STATES: tuple[str, ...] = ("missing", "bare", "bootstrapped", "foreign")
TABLE_STATES: tuple[str, ...] = ("missing", "present", "wrong-key")


def terragrunt_bucket_policy(bucket: str, account: str) -> dict[str, Any]:
    """Return the bucket policy Terragrunt 1.1 writes: EnforcedTLS, then RootAccess."""
    resources = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnforcedTLS",
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": resources,
                "Principal": {"*": ["*"]},
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "RootAccess",
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": resources,
                "Principal": {"AWS": [f"arn:aws:iam::{account}:root"]},
            },
        ],
    }


def foreign_bucket_policy(bucket: str, grantee_account: str) -> dict[str, Any]:
    """Return a central account's policy sharing ``bucket`` with ``grantee_account``."""
    grantee = {"AWS": f"arn:aws:iam::{grantee_account}:root"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ShareStateBucketListing",
                "Effect": "Allow",
                "Principal": grantee,
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": f"arn:aws:s3:::{bucket}",
            },
            {
                "Sid": "ShareStateObjects",
                "Effect": "Allow",
                "Principal": grantee,
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": f"arn:aws:s3:::{bucket}/*",
            },
        ],
    }


def _create_bucket(s3: Any, bucket: str, region: str, **extra: Any) -> None:
    arguments: dict[str, Any] = {"Bucket": bucket, **extra}
    if region != "us-east-1":
        arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**arguments)


def _encrypt(s3: Any, bucket: str, algorithm: str) -> None:
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm},
                    "BucketKeyEnabled": algorithm == "aws:kms",
                }
            ]
        },
    )


def remove_bucket(world: World, bucket: str) -> None:
    """Delete ``bucket`` with every object version in it, if it exists."""
    owner = moto_internals.bucket_owner(bucket)
    if owner is None:
        return
    s3 = world.admin_client("s3", account=owner)
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            s3.delete_object(
                Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"]
            )
    s3.delete_bucket(Bucket=bucket)


def remove_table(world: World, table: str, region: str) -> None:
    """Delete the table ``table`` if it exists."""
    dynamodb = world.admin_client("dynamodb", region=region)
    if table in dynamodb.list_tables().get("TableNames", []):
        dynamodb.delete_table(TableName=table)


def apply_bucket_state(world: World, state: str, bucket: str, region: str) -> None:
    """Put ``bucket`` in ``state``, replacing the bucket if it exists already."""
    if state not in BUCKET_STATES:
        raise ValueError(
            f"unknown bucket state {state!r}; use one of {', '.join(BUCKET_STATES)}"
        )
    remove_bucket(world, bucket)
    if state == "missing":
        return
    owner = world.foreign_account if state == "foreign" else world.account
    s3 = world.admin_client("s3", account=owner, region=region)
    if state == "bare":
        _create_bucket(s3, bucket, region)
        _encrypt(s3, bucket, "AES256")
    elif state == "bootstrapped":
        _create_bucket(s3, bucket, region, ObjectOwnership="ObjectWriter")
        s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
        )
        _encrypt(s3, bucket, "aws:kms")
        s3.put_bucket_policy(
            Bucket=bucket, Policy=json.dumps(terragrunt_bucket_policy(bucket, owner))
        )
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    elif state == "foreign":
        _create_bucket(s3, bucket, region)
        s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
        )
        _encrypt(s3, bucket, "AES256")
        s3.put_bucket_policy(
            Bucket=bucket,
            Policy=json.dumps(foreign_bucket_policy(bucket, world.account)),
        )
    else:
        raise ValueError(
            f"unknown bucket state {state!r}; use one of {', '.join(BUCKET_STATES)}"
        )


def apply_table_state(world: World, state: str, table: str, region: str) -> None:
    """Put the lock ``table`` in ``state``, replacing the table if it exists already."""
    if state not in TABLE_STATES:
        raise ValueError(
            f"unknown table state {state!r}; use one of {', '.join(TABLE_STATES)}"
        )
    remove_table(world, table, region)
    if state == "missing":
        return
    key = "LockID" if state == "present" else "id"
    world.admin_client("dynamodb", region=region).create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
