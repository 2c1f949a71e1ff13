"""The named starting states of the state bucket and the lock table."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_tgstate.world import World, moto_internals

from .support import BUCKET, TABLE, client_error, code_of


def _names(world: World, account: str) -> list[str]:
    buckets = world.admin_client("s3", account=account).list_buckets()["Buckets"]
    return [bucket["Name"] for bucket in buckets]


def _encryption_rule(s3: Any) -> dict[str, Any]:
    response = s3.get_bucket_encryption(Bucket=BUCKET)
    rules: list[dict[str, Any]] = response["ServerSideEncryptionConfiguration"]["Rules"]
    assert len(rules) == 1
    return rules[0]


def _policy(s3: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    return document


# -- missing -----------------------------------------------------------------


def test_missing_bucket_creates_nothing(world: World) -> None:
    world.set_bucket_state(BUCKET, "missing")
    assert _names(world, world.account) == []
    assert _names(world, world.foreign_account) == []


def test_missing_table_creates_nothing(world: World) -> None:
    world.set_table_state(TABLE, "missing")
    assert world.admin_client("dynamodb").list_tables()["TableNames"] == []


# -- bare --------------------------------------------------------------------


@pytest.fixture
def bare(world: World) -> Any:
    world.set_bucket_state(BUCKET, "bare")
    return world.admin_client("s3")


def test_bare_owned_by_world(world: World, bare: Any) -> None:
    assert _names(world, world.account) == [BUCKET]


def test_bare_encryption_aes256(bare: Any) -> None:
    rule = _encryption_rule(bare)
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


def test_bare_versioning_off(bare: Any) -> None:
    assert "Status" not in bare.get_bucket_versioning(Bucket=BUCKET)


def test_bare_no_policy(bare: Any) -> None:
    error = client_error(lambda: bare.get_bucket_policy(Bucket=BUCKET))
    assert code_of(error) == "NoSuchBucketPolicy"


# -- bootstrapped ------------------------------------------------------------


@pytest.fixture
def bootstrapped(world: World) -> Any:
    world.set_bucket_state(BUCKET, "bootstrapped")
    return world.admin_client("s3")


def test_bootstrapped_versioning_enabled(bootstrapped: Any) -> None:
    versioning = bootstrapped.get_bucket_versioning(Bucket=BUCKET)
    assert versioning["Status"] == "Enabled"


def test_bootstrapped_kms_bucket_key(bootstrapped: Any) -> None:
    rule = _encryption_rule(bootstrapped)
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["BucketKeyEnabled"] is True


def test_bootstrapped_policy_statements(bootstrapped: Any) -> None:
    statements = _policy(bootstrapped)["Statement"]
    assert [statement["Sid"] for statement in statements] == [
        "EnforcedTLS",
        "RootAccess",
    ]


def test_bootstrapped_enforced_tls_statement(bootstrapped: Any) -> None:
    enforced_tls = _policy(bootstrapped)["Statement"][0]
    assert enforced_tls["Effect"] == "Deny"
    assert enforced_tls["Action"] == "s3:*"
    assert enforced_tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_bootstrapped_root_access_statement(world: World, bootstrapped: Any) -> None:
    root_access = _policy(bootstrapped)["Statement"][1]
    assert root_access["Effect"] == "Allow"
    assert root_access["Principal"] == {"AWS": [f"arn:aws:iam::{world.account}:root"]}
    assert root_access["Resource"] == [
        f"arn:aws:s3:::{BUCKET}",
        f"arn:aws:s3:::{BUCKET}/*",
    ]


def test_bootstrapped_public_access_blocked(bootstrapped: Any) -> None:
    response = bootstrapped.get_public_access_block(Bucket=BUCKET)
    assert response["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def test_bootstrapped_ownership_object_writer(bootstrapped: Any) -> None:
    response = bootstrapped.get_bucket_ownership_controls(Bucket=BUCKET)
    rules = response["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]


# -- foreign -----------------------------------------------------------------


@pytest.fixture
def foreign(world: World) -> Any:
    world.set_bucket_state(BUCKET, "foreign")
    return world.admin_client("s3", account=world.foreign_account)


def test_foreign_owned_by_foreign_account(world: World, foreign: Any) -> None:
    assert _names(world, world.foreign_account) == [BUCKET]
    assert _names(world, world.account) == []


def test_foreign_policy_grants_world(world: World, foreign: Any) -> None:
    statements = _policy(foreign)["Statement"]
    principals = [statement["Principal"] for statement in statements]
    grantee = {"AWS": f"arn:aws:iam::{world.account}:root"}
    assert principals == [grantee, grantee]


def test_foreign_policy_actions(foreign: Any) -> None:
    statements = _policy(foreign)["Statement"]
    assert [statement["Action"] for statement in statements] == [
        ["s3:ListBucket", "s3:GetBucketLocation"],
        ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
    ]


def test_foreign_versioning_enabled(foreign: Any) -> None:
    assert foreign.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"


# -- tables ------------------------------------------------------------------


@pytest.mark.parametrize(("state", "key"), [("present", "LockID"), ("wrong-key", "id")])
def test_table_key_schema(world: World, state: str, key: str) -> None:
    world.set_table_state(TABLE, state)
    table = world.admin_client("dynamodb").describe_table(TableName=TABLE)["Table"]
    assert table["KeySchema"] == [{"AttributeName": key, "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [
        {"AttributeName": key, "AttributeType": "S"}
    ]


@pytest.mark.parametrize("state", ["present", "wrong-key"])
def test_table_on_demand(world: World, state: str) -> None:
    world.set_table_state(TABLE, state)
    table = world.admin_client("dynamodb").describe_table(TableName=TABLE)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_table_in_requested_region(world: World) -> None:
    world.set_table_state(TABLE, "present", region="eu-west-1")
    tables = world.admin_client("dynamodb", region="eu-west-1").list_tables()
    assert tables["TableNames"] == [TABLE]
    assert world.admin_client("dynamodb").list_tables()["TableNames"] == []


def test_bucket_in_requested_region(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare", region="eu-west-1")
    location = world.admin_client("s3").get_bucket_location(Bucket=BUCKET)
    assert location["LocationConstraint"] == "eu-west-1"


# -- unknown states ----------------------------------------------------------


def test_unknown_bucket_state_raises(world: World) -> None:
    with pytest.raises(ValueError) as caught:
        world.set_bucket_state(BUCKET, "versioned")
    assert "'versioned'" in str(caught.value)
    assert "missing, bare, bootstrapped, foreign" in str(caught.value)


def test_unknown_table_state_raises(world: World) -> None:
    with pytest.raises(ValueError) as caught:
        world.set_table_state(TABLE, "absent")
    assert "'absent'" in str(caught.value)
    assert "missing, present, wrong-key" in str(caught.value)


def test_unknown_bucket_state_creates_nothing(world: World) -> None:
    with pytest.raises(ValueError):
        world.set_bucket_state(BUCKET, "versioned")
    assert _names(world, world.account) == []


def test_state_replaces_existing_bucket(world: World) -> None:
    world.set_bucket_state("terragrunt-state", "bootstrapped")
    world.admin_client("s3").put_object(Bucket="terragrunt-state", Key="k", Body=b"x")
    world.set_bucket_state("terragrunt-state", "bare")
    s3 = world.admin_client("s3")
    assert s3.get_bucket_versioning(Bucket="terragrunt-state").get("Status") is None
    assert s3.list_objects_v2(Bucket="terragrunt-state").get("KeyCount") == 0


def test_missing_state_removes_bucket(world: World) -> None:
    world.set_bucket_state("terragrunt-state", "foreign")
    world.set_bucket_state("terragrunt-state", "missing")
    assert moto_internals.bucket_owner("terragrunt-state") is None


def test_table_state_replaces_table(world: World) -> None:
    world.set_table_state("terragrunt-locks", "wrong-key")
    world.set_table_state("terragrunt-locks", "present")
    table = world.admin_client("dynamodb").describe_table(TableName="terragrunt-locks")
    assert table["Table"]["KeySchema"][0]["AttributeName"] == "LockID"
