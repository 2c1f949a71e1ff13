"""The error a denied request gets, per protocol, and that it never reaches moto."""

from __future__ import annotations

import pytest

from pytest_tgstate.world import Principal, World

from .support import (
    BUCKET,
    BUCKET_ARN,
    STATE_KEY,
    TABLE,
    client_error,
    code_of,
    message_of,
    status_of,
)

ALICE_ARN = "arn:aws:iam::123456789012:user/alice"


@pytest.fixture
def alice(world: World) -> Principal:
    """A user without any policy, next to a bare bucket and a lock table."""
    world.set_bucket_state(BUCKET, "bare")
    world.set_table_state(TABLE, "present")
    return world.create_user("alice")


def test_s3_denial_code(world: World, alice: Principal) -> None:
    s3 = world.client("s3", alice)
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert status_of(error) == 403


def test_s3_denial_message(world: World, alice: Principal) -> None:
    s3 = world.client("s3", alice)
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert message_of(error) == (
        f"User: {ALICE_ARN} is not authorized to perform: s3:GetBucketVersioning "
        f'on resource: "{BUCKET_ARN}" because no identity-based policy allows '
        "the s3:GetBucketVersioning action"
    )


def test_s3_head_denial_empty(world: World, alice: Principal) -> None:
    s3 = world.client("s3", alice)
    error = client_error(lambda: s3.head_bucket(Bucket=BUCKET))
    assert code_of(error) == "403"
    assert message_of(error) == "Forbidden"
    assert status_of(error) == 403


def test_dynamodb_denial_shape(world: World, alice: Principal) -> None:
    dynamodb = world.client("dynamodb", alice)
    error = client_error(lambda: dynamodb.describe_table(TableName=TABLE))
    assert code_of(error) == "AccessDeniedException"
    assert status_of(error) == 400


def test_dynamodb_denial_message(world: World, alice: Principal) -> None:
    dynamodb = world.client("dynamodb", alice)
    error = client_error(lambda: dynamodb.describe_table(TableName=TABLE))
    table_arn = f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}"
    assert message_of(error) == (
        f"User: {ALICE_ARN} is not authorized to perform: dynamodb:DescribeTable "
        f"on resource: {table_arn} because no identity-based policy allows "
        "the dynamodb:DescribeTable action"
    )


def test_sts_denial_shape(world: World, alice: Principal) -> None:
    role = world.create_role("deploy")
    sts = world.client("sts", alice)
    error = client_error(
        lambda: sts.assume_role(RoleArn=role.arn, RoleSessionName="denied")
    )
    assert code_of(error) == "AccessDenied"
    assert status_of(error) == 403


def test_iam_denial_shape(world: World, alice: Principal) -> None:
    iam = world.client("iam", alice)
    error = client_error(lambda: iam.list_users())
    assert code_of(error) == "AccessDenied"
    assert status_of(error) == 403


def test_denied_put_object_stores_nothing(world: World, alice: Principal) -> None:
    s3 = world.client("s3", alice)
    client_error(lambda: s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"{}"))
    listing = world.admin_client("s3").list_objects_v2(Bucket=BUCKET)
    assert listing["KeyCount"] == 0


def test_denied_put_item_writes_nothing(world: World, alice: Principal) -> None:
    dynamodb = world.client("dynamodb", alice)
    client_error(
        lambda: dynamodb.put_item(TableName=TABLE, Item={"LockID": {"S": "lock"}})
    )
    scan = world.admin_client("dynamodb").scan(TableName=TABLE)
    assert scan["Count"] == 0


def test_denied_create_bucket_creates_nothing(world: World, alice: Principal) -> None:
    s3 = world.client("s3", alice)
    client_error(lambda: s3.create_bucket(Bucket="another-bucket"))
    names = [
        bucket["Name"] for bucket in world.admin_client("s3").list_buckets()["Buckets"]
    ]
    assert names == [BUCKET]


def test_denial_not_forwarded(world: World, alice: Principal) -> None:
    s3 = world.client("s3", alice)
    client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    entry = world.journal[-1]
    assert not entry.forwarded
    assert entry.status == 403
    assert entry.error_code == "AccessDenied"
