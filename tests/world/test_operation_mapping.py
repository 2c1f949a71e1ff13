"""The IAM actions and resources each call is checked against, end to end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pytest_tgstate.world import World

from .support import (
    BUCKET,
    BUCKET_ARN,
    OBJECTS_ARN,
    TABLE,
    allow,
    client_error,
    code_of,
    document,
    message_of,
    status_of,
)

TABLE_ARN = f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}"


def test_head_bucket_needs_list_bucket(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user(
        "alice", policy=allow("s3:ListBucket", resource=BUCKET_ARN)
    )
    world.client("s3", user).head_bucket(Bucket=BUCKET)
    assert world.journal[-1].requirements[0].action == "s3:ListBucket"


def test_head_bucket_action_not_real(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user("alice", policy=allow("s3:Head*", resource=BUCKET_ARN))
    error = client_error(lambda: world.client("s3", user).head_bucket(Bucket=BUCKET))
    assert code_of(error) == "403"


def test_get_encryption_action_name(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user(
        "alice", policy=allow("s3:GetEncryptionConfiguration", resource=BUCKET_ARN)
    )
    response = world.client("s3", user).get_bucket_encryption(Bucket=BUCKET)
    rules = response["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_get_bucket_encryption_action_denied(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user(
        "alice", policy=allow("s3:GetBucketEncryption", resource=BUCKET_ARN)
    )
    s3 = world.client("s3", user)
    error = client_error(lambda: s3.get_bucket_encryption(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert "s3:GetEncryptionConfiguration" in str(error)


def test_create_bucket_ownership_needs_extra(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:CreateBucket"))
    s3 = world.client("s3", user)
    error = client_error(
        lambda: s3.create_bucket(Bucket=BUCKET, ObjectOwnership="ObjectWriter")
    )
    assert code_of(error) == "AccessDenied"
    assert world.journal[-1].first_denial is not None
    assert world.journal[-1].first_denial.action == "s3:PutBucketOwnershipControls"


def test_create_bucket_ownership_allowed(world: World) -> None:
    user = world.create_user(
        "alice", policy=allow("s3:CreateBucket", "s3:PutBucketOwnershipControls")
    )
    world.client("s3", user).create_bucket(
        Bucket=BUCKET, ObjectOwnership="ObjectWriter"
    )
    ownership = world.admin_client("s3").get_bucket_ownership_controls(Bucket=BUCKET)
    rules = ownership["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]


def test_create_bucket_without_ownership(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:CreateBucket"))
    world.client("s3", user).create_bucket(Bucket=BUCKET)
    actions = [requirement.action for requirement in world.journal[-1].requirements]
    assert actions == ["s3:CreateBucket"]


def test_dynamodb_table_arn_region_wildcard(world: World) -> None:
    world.set_table_state(TABLE, "present")
    policy = allow(
        "dynamodb:DescribeTable",
        resource=f"arn:aws:dynamodb:*:123456789012:table/{TABLE}",
    )
    user = world.create_user("alice", policy=policy)
    table = world.client("dynamodb", user).describe_table(TableName=TABLE)
    assert table["Table"]["TableName"] == TABLE
    assert world.journal[-1].requirements[0].resource == TABLE_ARN


def test_dynamodb_other_table_denied(world: World) -> None:
    world.set_table_state(TABLE, "present")
    policy = allow("dynamodb:*", resource="arn:aws:dynamodb:*:*:table/other-table")
    user = world.create_user("alice", policy=policy)
    dynamodb = world.client("dynamodb", user)
    error = client_error(lambda: dynamodb.describe_table(TableName=TABLE))
    assert code_of(error) == "AccessDeniedException"


def test_dynamodb_other_region_checked(world: World) -> None:
    policy = allow(
        "dynamodb:CreateTable",
        resource=f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}",
    )
    user = world.create_user("alice", policy=policy)
    dynamodb = world.client("dynamodb", user, region="eu-west-1")
    error = client_error(
        lambda: dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    )
    assert code_of(error) == "AccessDeniedException"
    assert world.journal[-1].requirements[0].resource == (
        f"arn:aws:dynamodb:eu-west-1:123456789012:table/{TABLE}"
    )


def test_delete_objects_checked_per_key(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    admin = world.admin_client("s3")
    for key in ("allowed/state", "denied/state"):
        admin.put_object(Bucket=BUCKET, Key=key, Body=b"{}")
    policy = allow("s3:DeleteObject", resource=f"arn:aws:s3:::{BUCKET}/allowed/*")
    user = world.create_user("alice", policy=policy)
    s3 = world.client("s3", user)

    error = client_error(
        lambda: s3.delete_objects(
            Bucket=BUCKET,
            Delete={"Objects": [{"Key": "allowed/state"}, {"Key": "denied/state"}]},
        )
    )

    assert code_of(error) == "AccessDenied"
    keys = [item["Key"] for item in admin.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == ["allowed/state", "denied/state"]
    resources = [decision.resource for decision in world.journal[-1].decisions]
    assert resources == [f"{BUCKET_ARN}/allowed/state", f"{BUCKET_ARN}/denied/state"]


def test_delete_objects_all_allowed(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    admin = world.admin_client("s3")
    admin.put_object(Bucket=BUCKET, Key="allowed/state", Body=b"{}")
    user = world.create_user(
        "alice", policy=allow("s3:DeleteObject", resource=OBJECTS_ARN)
    )
    world.client("s3", user).delete_objects(
        Bucket=BUCKET, Delete={"Objects": [{"Key": "allowed/state"}]}
    )
    assert admin.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


#: Services outside the table, one per wire protocol: (service, call, action,
#: denial code, denial status).
UNMAPPED_CALLS: list[tuple[str, Callable[[Any], object], str, str, int]] = [
    (
        "ec2",
        lambda client: client.describe_vpcs(),
        "ec2:DescribeVpcs",
        "AccessDenied",
        403,
    ),
    (
        "sqs",
        lambda client: client.list_queues(),
        "sqs:ListQueues",
        "AccessDeniedException",
        400,
    ),
    (
        "lambda",
        lambda client: client.list_functions(),
        "lambda:ListFunctions",
        "AccessDeniedException",
        403,
    ),
    (
        "route53",
        lambda client: client.list_hosted_zones(),
        "route53:ListHostedZones",
        "AccessDenied",
        403,
    ),
]
UNMAPPED_IDS = [call[0] for call in UNMAPPED_CALLS]


@pytest.mark.parametrize(
    ("service", "call", "action", "code", "status"), UNMAPPED_CALLS, ids=UNMAPPED_IDS
)
def test_unmapped_operation_derived(
    world: World,
    service: str,
    call: Callable[[Any], object],
    action: str,
    code: str,
    status: int,
) -> None:
    user = world.create_user("alice", policy=allow(action))
    call(world.client(service, user))
    requirement = world.journal[-1].requirements[0]
    assert requirement.action == action
    assert requirement.derived


@pytest.mark.parametrize(
    ("service", "call", "action", "code", "status"), UNMAPPED_CALLS, ids=UNMAPPED_IDS
)
def test_unmapped_operation_denied(
    world: World,
    service: str,
    call: Callable[[Any], object],
    action: str,
    code: str,
    status: int,
) -> None:
    user = world.create_user("alice", policy=allow("s3:*"))
    error = client_error(lambda: call(world.client(service, user)))
    assert code_of(error) == code
    assert status_of(error) == status
    assert action in message_of(error)


def test_requested_region_is_signing_region(world: World) -> None:
    region_only = document(
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        }
    )
    user = world.create_user("alice", policy=region_only)
    world.client("s3", user, region="eu-west-1").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    error = client_error(
        lambda: world.client("s3", user).create_bucket(Bucket="terragrunt-other")
    )
    assert world.journal[-2].status == 200
    assert code_of(error) == "AccessDenied"
